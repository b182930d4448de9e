/** The only source of time; tests and test clocks hand in their own. */
export interface Clock {
  /** Unix time in seconds. */
  nowSeconds(): number;
}

export const systemClock: Clock = { nowSeconds: () => Math.floor(Date.now() / 1000) };
