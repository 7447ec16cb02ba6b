/** The logging surface `core` may use; the host implements it over a `LogOutputChannel` that redacts secrets. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
