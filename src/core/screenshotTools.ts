/**
 * The screen-capture tools each platform has, in the order they are tried. Pure: which tool exists is decided by the
 * caller (it looks on PATH); running them is the host's job (src/host/images/screenshot.ts).
 */
export type ScreenshotPlatform = 'darwin' | 'win32' | 'linux' | 'other';

/** One program run, without a shell. `{file}` in an argument is the temporary file; `{geometry}` is slurp's output. */
export interface ToolStep {
  readonly command: string;
  readonly args: readonly string[];
  /** The step prints a region (`slurp`) that the next step takes as `{geometry}`. */
  readonly printsGeometry?: boolean;
}

export interface ScreenshotTool {
  /** A name for messages and the log. */
  readonly name: string;
  readonly steps: readonly ToolStep[];
  /** Where the image lands: the temporary file, or the clipboard (Windows' snipping). */
  readonly output: 'file' | 'clipboard';
}

const LINUX_TOOLS: readonly ScreenshotTool[] = [
  { name: 'gnome-screenshot', output: 'file', steps: [{ command: 'gnome-screenshot', args: ['-a', '-f', '{file}'] }] },
  { name: 'spectacle', output: 'file', steps: [{ command: 'spectacle', args: ['-r', '-b', '-n', '-o', '{file}'] }] },
  {
    name: 'grim + slurp',
    output: 'file',
    steps: [
      { command: 'slurp', args: [], printsGeometry: true },
      { command: 'grim', args: ['-g', '{geometry}', '{file}'] },
    ],
  },
  { name: 'scrot', output: 'file', steps: [{ command: 'scrot', args: ['-s', '{file}'] }] },
  { name: 'ImageMagick import', output: 'file', steps: [{ command: 'import', args: ['{file}'] }] },
];

export function screenshotPlatform(platform: string): ScreenshotPlatform {
  return platform === 'darwin' || platform === 'win32' || platform === 'linux' ? platform : 'other';
}

/** Every tool for the platform, in order of preference. */
export function screenshotCandidates(platform: ScreenshotPlatform): readonly ScreenshotTool[] {
  switch (platform) {
    case 'darwin':
      return [{ name: 'screencapture', output: 'file', steps: [{ command: 'screencapture', args: ['-i', '{file}'] }] }];
    case 'win32':
      return [
        { name: 'Snipping Tool', output: 'clipboard', steps: [{ command: 'explorer', args: ['ms-screenclip:'] }] },
      ];
    case 'linux':
      return LINUX_TOOLS;
    case 'other':
      return [];
  }
}

/** The first tool whose every program exists (`exists` looks a command up, e.g. on PATH). */
export function firstAvailableTool(
  platform: ScreenshotPlatform,
  exists: (command: string) => boolean,
): ScreenshotTool | undefined {
  return screenshotCandidates(platform).find((tool) => tool.steps.every((step) => exists(step.command)));
}

/** A step's arguments with the placeholders filled in. */
export function stepArguments(step: ToolStep, file: string, geometry = ''): string[] {
  return step.args.map((arg) => arg.replace('{file}', file).replace('{geometry}', geometry));
}
