/**
 * Shares bookmarks between sessions for causal consistency: a session given a manager reads
 * its bookmarks before each transaction and hands back the new bookmark after each commit.
 * Create one with {@link bookmarkManager}; pass it as `bookmarkManager` to sessions or
 * `executeQuery`.
 */
export interface BookmarkManager {
  /** The bookmarks a new transaction should wait for. */
  getBookmarks(): Promise<Iterable<string>> | Iterable<string>;
  /** Replace `previous` (the bookmarks a transaction started with) by `next` (what it produced). */
  updateBookmarks(previous: Iterable<string>, next: Iterable<string>): Promise<void> | void;
}

/** Options of {@link bookmarkManager}. */
export interface BookmarkManagerOptions {
  /** Bookmarks to start from. Default none. */
  initialBookmarks?: Iterable<string>;
  /** Called with the new set after every update. Default none. */
  onUpdate?: (bookmarks: string[]) => void;
}

/** The default in-memory bookmark manager. */
export function bookmarkManager(options: BookmarkManagerOptions = {}): BookmarkManager {
  const set = new Set(options.initialBookmarks ?? []);
  return {
    getBookmarks: () => [...set],
    updateBookmarks(previous, next) {
      const nextList = [...next];
      if (nextList.length === 0) return;
      for (const b of previous) set.delete(b);
      for (const b of nextList) set.add(b);
      options.onUpdate?.([...set]);
    },
  };
}
