// jstat ships no types; only what Crucible calls is declared.
declare module 'jstat' {
  export const jStat: {
    studentt: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
    normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number };
    chisquare: { cdf(x: number, dof: number): number };
    ibeta(x: number, a: number, b: number): number;
  };
}
