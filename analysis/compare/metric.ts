/** Old benchstat's table heading for a unit. */
export function metricOf(unit: string): string {
  switch (unit) {
    case 'ns/op':
      return 'time/op';
    case 'B/op':
      return 'alloc/op';
    case 'MB/s':
      return 'speed';
    default:
      return unit;
  }
}

/** Rates improve upward; everything else (time, bytes, counts, latency) improves downward. */
export function higherIsBetter(unit: string): boolean {
  return unit.endsWith('/s');
}
