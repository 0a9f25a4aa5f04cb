import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH, MAX_EVENT_KEYS } from './limits';

type Node = { value: object; depth: number; parent?: Node; key?: string | number };

/**
 * What to fix in one decoded event, or undefined when it is within bounds (depth, key count, size as JSON)
 * and all its text can be stored. A loop over a queue, not recursion: JSON.parse accepts any nesting, and a
 * recursive walk (JSON.stringify included) overflows the stack somewhere past a few thousand levels.
 */
export function findEventProblem(event: object): string | undefined {
  const queue: Node[] = [{ value: event, depth: 1 }];
  let keys = 0;
  // An upper bound of the event's size as JSON, so the exact (stringify) measure runs only near the limit.
  let bound = 2;
  // Breadth first: every container is checked for depth before anything inside it is read.
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (Array.isArray(node.value)) {
      const items = node.value as unknown[];
      bound += 2 + items.length;
      for (let j = 0; j < items.length; j++) {
        bound += sizeBound(items[j]);
        const problem = visit(items[j], node, j, queue);
        if (problem) return problem;
      }
      continue;
    }
    const record = node.value as Record<string, unknown>;
    bound += 2;
    for (const key in record) {
      if (++keys > MAX_EVENT_KEYS) {
        return `event: has more than ${MAX_EVENT_KEYS} keys in all (its fields and those of every nested object); send fewer`;
      }
      bound += MAX_BYTES_PER_CHAR * key.length + 4 + sizeBound(record[key]);
      const problem = textProblem(key, node, key) ?? visit(record[key], node, key, queue);
      if (problem) return problem;
    }
  }
  if (bound <= MAX_EVENT_BYTES) return undefined;
  // Nesting is bounded now, so JSON.stringify cannot overflow the stack.
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > MAX_EVENT_BYTES) {
    return `event: is ${formatBytes(bytes)} as JSON, over the limit of ${formatBytes(MAX_EVENT_BYTES)} per event; send large payloads elsewhere`;
  }
  return undefined;
}

/** JSON escapes a UTF-16 code unit to at most 6 bytes (`\u001f`); UTF-8 needs at most 3. */
const MAX_BYTES_PER_CHAR = 6;
/** A number as JSON is at most 24 characters (`-1.7976931348623157e+308`); `false` is the longest literal. */
const MAX_SCALAR_BYTES = 24;

/** What a value adds to the JSON size bound, not counting its nested containers' contents (walked apart). */
function sizeBound(value: unknown): number {
  if (typeof value === 'string') return MAX_BYTES_PER_CHAR * value.length + 2;
  if (typeof value === 'object' && value !== null) return 0;
  return MAX_SCALAR_BYTES;
}

function visit(value: unknown, parent: Node, key: string | number, queue: Node[]): string | undefined {
  if (typeof value === 'string') return textProblem(value, parent, key);
  if (typeof value !== 'object' || value === null) return undefined;
  if (parent.depth >= MAX_EVENT_DEPTH) {
    return `${pathOf(parent, key)}: nested too deep; an event may nest objects and arrays at most ${MAX_EVENT_DEPTH} levels deep (the event itself is level 1)`;
  }
  queue.push({ value, depth: parent.depth + 1, parent, key });
  return undefined;
}

/** Postgres text and JSON cannot hold NUL characters or unpaired UTF-16 surrogates, both valid JSON escapes. */
function textProblem(text: string, parent: Node, key: string | number): string | undefined {
  if (text.includes('\0')) {
    return `${pathOf(parent, key)}: contains a NUL character (\\u0000), which cannot be stored; remove it`;
  }
  if (!text.isWellFormed()) {
    return `${pathOf(parent, key)}: is not valid Unicode (an unpaired surrogate such as \\ud800); send well-formed UTF-8 text`;
  }
  return undefined;
}

/** `metadata.tags[1]`, built only when there is a problem to report. */
function pathOf(parent: Node, key: string | number): string {
  const parts: (string | number)[] = [key];
  for (let node: Node | undefined = parent; node?.key !== undefined; node = node.parent) parts.push(node.key);
  return parts
    .reverse()
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}
