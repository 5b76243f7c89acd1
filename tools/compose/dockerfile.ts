// A small Dockerfile reader for the static compose test: stages, their base, and the instructions
// that decide what a target runs (WORKDIR, COPY, USER, RUN, CMD, ENTRYPOINT).

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | undefined;
  /** image or earlier stage name after FROM, with build args left as written */
  base: string;
  instructions: Instruction[];
}

/** Joins `\` continuations, drops comments and parser directives, splits into stages. */
export function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const rest = match[2] ?? '';
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ base: from?.[1] ?? rest, name: from?.[2], instructions: [] });
    } else if (stages.length === 0) {
      args.push({ keyword, args: rest });
    } else {
      stages[stages.length - 1]?.instructions.push({ keyword, args: rest });
    }
  }
  return { args, stages };
}

/** The stage and the stages it is built FROM, target first. */
export function stageChain(stages: Stage[], target: string): Stage[] {
  const chain: Stage[] = [];
  let current = stages.find((stage) => stage.name === target);
  while (current && !chain.includes(current)) {
    chain.push(current);
    const base = current.base;
    current = stages.find((stage) => stage.name === base);
  }
  return chain;
}

/** The last value of an instruction along the chain (a target inherits from its base stages). */
export function effective(chain: Stage[], keyword: string): string | undefined {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).pop();
    if (found) return found.args;
  }
  return undefined;
}

/** Exec-form (`["node", "x.js"]`) arguments; shell form is refused (it would swallow SIGTERM). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`expected exec form ["node", "…"], got ${args}`);
  }
  return parsed;
}
