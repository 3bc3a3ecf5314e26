// Arena ratings as sent to the extension (mirrors metrics/bradley-terry.ts's ArenaRatings).
export interface ArenaRatingsResult {
  models: string[];
  ratings: Record<string, { rating: number | null; ci: [number, number] | null; ciReason?: string; battles: number; wins: number; losses: number; ties: number }>;
  winRate: Record<string, Record<string, number | null>>;
  battles: Record<string, Record<string, number>>;
  total: number;
  reason?: string;
  /** Verdicts counted, by who gave them (human:<name>, judge:<model>). */
  judges: Record<string, number>;
}
