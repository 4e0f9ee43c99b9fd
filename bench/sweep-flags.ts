/**
 * The sweeps' names, defaults and usage text, apart from bench/sweep.ts so
 * that the CLI can print its help without loading the parallel executor.
 */
export const SWEEP_KINDS = ['contention', 'workloads'] as const;
export type SweepKind = (typeof SWEEP_KINDS)[number];

/** The Block-STM paper's sweep, from one hot pair of accounts to nearly no conflicts. */
export const DEFAULT_KS = [2, 4, 8, 16, 32, 100, 1000, 10000];
export const DEFAULT_CHARTS: Record<SweepKind, string> = {
  contention: 'docs/charts/contention-sweep.svg',
  workloads: 'docs/charts/workload-scaling.svg',
};

export const SWEEP_USAGE = `sweeps (a table and an SVG chart; parallel runs forced, predictions for 4-32 threads):
  --sweep contention       contention-K for K in ${DEFAULT_KS.join(', ')} (--ks a,b,... to choose)
  --sweep workloads        the named workloads (default: the default list but contention-K), grouped bars
  --chart PATH             where the SVG goes (default ${DEFAULT_CHARTS.contention}
                           or ${DEFAULT_CHARTS.workloads}; 'none': no chart)`;
