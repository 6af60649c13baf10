import {
  type BoltVersion,
  interrupt,
  type Request,
  type ServerState,
  type SuccessMetadata,
  transition,
} from '@bolt/parser';
import type { BoltError } from './bolt-error.js';

/**
 * The Bolt state the server is in, as far as its answers so far tell, followed with the parser's
 * transition table; plus what that needs: RESETs on their way, results open in the transaction,
 * and the FAILURE that IGNORED answers stand for.
 */
export class ServerStateTracker {
  state: ServerState = 'CONNECTED';
  /** The last FAILURE (not RESET's): what the IGNORED answers after it report. */
  currentFailure: BoltError | undefined;
  private resetsPending = 0;
  private txOpenResults = 0;

  constructor(private readonly connection: { version(): BoltVersion }) {}

  /** A RESET was sent. */
  resetSent(): void {
    this.resetsPending++;
  }

  /** Whether an IGNORED may come now: after a FAILURE (until the RESET that clears it is
   *  answered), or for requests a RESET on its way interrupts. */
  mayIgnore(): boolean {
    return this.currentFailure !== undefined || this.resetsPending > 0;
  }

  /** The answer to `type` arrived. */
  answered(
    type: Request['type'],
    outcome: 'SUCCESS' | 'FAILURE' | 'IGNORED',
    md: SuccessMetadata,
  ): void {
    if (type === 'RESET' || type === 'ACK_FAILURE') {
      if (type === 'RESET') this.resetsPending--;
      if (outcome === 'SUCCESS') {
        this.currentFailure = undefined;
        this.txOpenResults = 0;
      }
    }
    let state = this.state;
    if (outcome === 'IGNORED' && this.resetsPending > 0 && state !== 'FAILED')
      state = interrupt(state);
    if (type === 'RESET') state = interrupt(state);
    const inTx = state === 'TX_READY' || state === 'TX_STREAMING';
    let hasMore = false;
    if (outcome === 'SUCCESS') {
      if (type === 'RUN' && inTx) this.txOpenResults++;
      if (type === 'PULL' || type === 'DISCARD' || type === 'PULL_ALL' || type === 'DISCARD_ALL') {
        hasMore = md.has_more === true;
        if (!hasMore && inTx && this.txOpenResults > 0) this.txOpenResults--;
      }
      if (type === 'COMMIT' || type === 'ROLLBACK') this.txOpenResults = 0;
    } else if (outcome === 'FAILURE') this.txOpenResults = 0;
    try {
      this.state = transition(this.connection.version(), state, type, outcome, {
        hasMore,
        openResults: this.txOpenResults,
      });
    } catch {
      // A transition the table does not know (e.g. a legacy RUN "BEGIN"): keep the state.
    }
  }
}
