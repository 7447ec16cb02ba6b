/**
 * The limits of what the host reads and answers for the read-only workspace tools. They keep one call cheap (memory,
 * time) and its answer below the turn's result cap, so the model gets the host's own note ("read from line 813")
 * instead of a blind cut.
 */
export const READ_LIMITS = {
  /** A file larger than this is not read at all (workspace.fs reads whole files). */
  maxFileBytes: 16 * 1024 * 1024,
  /** The bytes looked at to tell text from binary. */
  binarySniffBytes: 8192,
  /** Characters of numbered lines one `read_file` answer holds. */
  maxReadChars: 40_000,
  maxListEntries: 1000,
  /** Candidates asked of the file search per folder before ignored files are taken out. */
  maxFindCandidates: 10_000,
  /** Files one `search_text` call reads at most, bytes of one file and of all files. */
  maxSearchFiles: 5000,
  maxSearchFileBytes: 1024 * 1024,
  maxSearchTotalBytes: 64 * 1024 * 1024,
  /** Characters of a matching line shown (around the match). */
  maxMatchLineChars: 240,
  /** A regular expression only sees this much of a long line, so a bad pattern stays bounded. */
  maxRegexLineChars: 2000,
  maxProblems: 200,
  maxSelectionChars: 20_000,
  maxDiffChars: 40_000,
  maxCommandOutputChars: 20_000,
  /** Nested `.gitignore` files read per workspace folder. */
  maxGitignoreFiles: 200,
} as const;
