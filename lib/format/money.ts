/**
 * The one way Gatehouse shows an amount of money (US dollars): the same number reads the
 * same on every page, and sub-cent costs (one request often costs $0.00007) keep three
 * significant digits instead of rounding to `$0.00`.
 *
 *   0 → "$0.00"   0.5 → "$0.50"   0.000073 → "$0.000073"   0.0234567 → "$0.0235"
 *   1234.5678 → "$1,234.57"   null → "—" (unknown, e.g. an unpriced model)
 *
 * @param usd an amount in USD (not cents, not per million tokens).
 */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "—";
  if (usd === 0) return WHOLE.format(0);
  if (Math.abs(usd) >= 1) return WHOLE.format(usd);
  const text = SMALL.format(usd);
  // At least two decimals, so $0.5 reads as $0.50 like every other amount.
  const decimals = text.split(".")[1]?.length ?? 0;
  return decimals >= 2 ? text : decimals === 1 ? `${text}0` : `${text}.00`;
}

const WHOLE = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const SMALL = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumSignificantDigits: 3 });
