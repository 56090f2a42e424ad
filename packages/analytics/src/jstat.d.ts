/** Minimal typed declaration of the parts of jstat this package uses (no @types/jstat is installed). */
declare module "jstat" {
  interface JStatDistribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
    pdf(x: number, ...params: number[]): number;
  }
  interface JStatStatic {
    studentt: JStatDistribution;
    normal: JStatDistribution;
  }
  const jStat: JStatStatic;
  export default jStat;
}
