/**
 * Node's own `Buffer#latin1Slice` / `#utf8Slice`, which `toString(encoding, start, end)` reaches only
 * after an encoding lookup and argument checks that cost as much as a short slice itself (the v0.4
 * fast path makes ~30 strings per span). Not in @types/node, hence the typed view.
 */
interface SliceMethods {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
}

export function latin1Slice(bytes: Buffer, start: number, end: number): string {
  return (bytes as unknown as SliceMethods).latin1Slice(start, end)
}

export function utf8Slice(bytes: Buffer, start: number, end: number): string {
  return (bytes as unknown as SliceMethods).utf8Slice(start, end)
}
