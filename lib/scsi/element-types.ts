/** The four element types of a medium changer (SMC-3) and their ELEMENT TYPE CODEs. */
export type ElementType = 'medium-transport' | 'storage' | 'import-export' | 'data-transfer';

export const ELEMENT_TYPE_CODES: Readonly<Record<ElementType, number>> = {
  'medium-transport': 1,
  storage: 2,
  'import-export': 3,
  'data-transfer': 4,
};

/** In bit order: the device capabilities page packs one bit per type, bit 0 medium transport. */
export const ELEMENT_TYPES: readonly ElementType[] = ['medium-transport', 'storage', 'import-export', 'data-transfer'];

export function elementTypeOf(code: number): ElementType | null {
  return ELEMENT_TYPES[code - 1] ?? null;
}
