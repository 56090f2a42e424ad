/**
 * Pure statistics used by every tracker: running moments, t-tests (Student t from ./distributions.ts,
 * ≈1e−12 relative or better; small p-values from the upper tail directly, never 1 − cdf), the Lo (2002)
 * autocorrelation adjustment, the Sharpe standard error (Mertens 2002; Lo's 2002 GMM/Newey–West one for autocorrelated
 * returns) and the Probabilistic Sharpe Ratio (Bailey & López de Prado 2012). Functions return `null` when the input is too small or
 * degenerate — never a made-up 0. Each concept lives in the module named after it (running-moments,
 * t-tests, autocorrelation, sharpe-inference, lo-gmm, running-regression); this module re-exports them.
 */
export * from "./running-moments.js";
export { normalCdf, studentTCdf, studentTQuantile, studentTSf } from "./distributions.js";
export * from "./t-tests.js";
export * from "./autocorrelation.js";
export * from "./sharpe-inference.js";
export * from "./lo-gmm.js";
export * from "./running-regression.js";
