/**
 * Several toolboxes offered as one (the workspace tools, and later the tools other extensions give VS Code): each
 * call is checked and asked about by the toolbox that defines its name. A name defined twice belongs to the first
 * toolbox, and only its definition is sent, as the API refuses a request that names one tool twice.
 */
import type { ToolDefinition } from '../chatTypes';
import type { TurnToolbox } from '../turn/turnTypes';

export function combineToolboxes(...toolboxes: readonly TurnToolbox[]): TurnToolbox {
  const owners = new Map<string, TurnToolbox>();
  const definitions: ToolDefinition[] = [];
  for (const toolbox of toolboxes) {
    for (const definition of toolbox.definitions) {
      if (owners.has(definition.function.name)) continue;
      owners.set(definition.function.name, toolbox);
      definitions.push(definition);
    }
  }
  return {
    definitions,
    checkArguments(name, args) {
      const owner = owners.get(name);
      if (!owner) return { ok: false, problem: `There is no tool named "${name}".` };
      return owner.checkArguments ? owner.checkArguments(name, args) : { ok: true, value: args };
    },
    // A tool nobody defines never gets this far (the turn answers "no such tool"); asking is the safe default.
    needsApproval: (name, args) => owners.get(name)?.needsApproval(name, args) ?? true,
  };
}
