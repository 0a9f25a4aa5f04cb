export type Refused<Row> = { row: Row; error: unknown };
export type Salvaged<Row> = { stored: Row[]; refused: Refused<Row>[] };

/** The write budget ran out before this row was tried on its own: it was not stored, and may well be valid. */
export class SalvageBudgetError extends Error {
  constructor(readonly writes: number) {
    super(`not tried: ${writes} writes were spent on the other rows`);
    this.name = 'SalvageBudgetError';
  }
}

export type SalvageOptions<Row> = {
  /** Writes rows in one statement, all or nothing, and answers the rows it stored (duplicates are not). */
  write: (rows: Row[]) => Promise<Row[]>;
  /** True when the database refused a row's values; any other error ends the salvage and is thrown. */
  isRefusal: (error: unknown) => boolean;
  maxWrites: number;
};

/**
 * Stores what it can of rows whose write as a whole was refused with `error`, by bisection: a half that is
 * refused is split again, so a few bad rows among n cost about 2 log2(n) writes each, and a row is refused only
 * after a write of that row alone was. When the refused left half of a chunk is stored whole, the fault is in
 * the right half: it is split without writing it whole.
 */
export async function salvageRows<Row>(
  rows: Row[],
  error: unknown,
  options: SalvageOptions<Row>,
): Promise<Salvaged<Row>> {
  const stored: Row[] = [];
  const refused: Refused<Row>[] = [];
  let writes = 0;

  /** `refusedWith`: a write of this very chunk was refused; `suspect`: holds the fault of a refused larger chunk. */
  async function visit(chunk: Row[], state: 'untried' | 'suspect' | { refusedWith: unknown }): Promise<void> {
    if (state === 'suspect' && chunk.length === 1) state = 'untried';
    if (state === 'untried') {
      if (writes >= options.maxWrites) {
        for (const row of chunk) refused.push({ row, error: new SalvageBudgetError(writes) });
        return;
      }
      try {
        writes++;
        stored.push(...(await options.write(chunk)));
        return;
      } catch (cause) {
        if (!options.isRefusal(cause)) throw cause;
        state = { refusedWith: cause };
      }
    }
    if (chunk.length === 1 && state !== 'suspect') {
      refused.push({ row: chunk[0]!, error: state.refusedWith });
      return;
    }
    const middle = Math.ceil(chunk.length / 2);
    const refusedBefore = refused.length;
    await visit(chunk.slice(0, middle), 'untried');
    await visit(chunk.slice(middle), refused.length === refusedBefore ? 'suspect' : 'untried');
  }

  await visit(rows, { refusedWith: error });
  return { stored, refused };
}
