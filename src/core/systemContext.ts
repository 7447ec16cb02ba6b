/**
 * The system prompt of a chat request: the user's own (the `gatewayChat.systemPrompt` setting), then each project
 * instructions file of the workspace (`AGENTS.md`, `.github/copilot-instructions.md`) under a heading that names it,
 * so the model knows where each instruction comes from and that the user's prompt comes first. Pure.
 */

/** A project instructions file as it is sent: its workspace-relative path and (size-capped) text. */
export interface ProjectInstructionsText {
  readonly path: string;
  readonly text: string;
}

/** The system prompt: the user's, then the project instructions; '' when there is neither. */
export function buildSystemPrompt(userPrompt: string, instructions: readonly ProjectInstructionsText[] = []): string {
  const parts = userPrompt.trim() ? [userPrompt] : [];
  for (const file of instructions) {
    if (!file.text.trim()) continue;
    parts.push(
      `Project instructions from ${file.path} (a file of the user's workspace; follow them where they apply to the ` +
        `user's request):\n\n${file.text.trim()}`,
    );
  }
  return parts.join('\n\n');
}
