import { DomainError } from "../../errors.ts";
import type { FeedbackStatus } from "../../gen/sqlite/client.ts";

export class OwnFeedbackVoteError extends DomainError {
  code = "OWN_FEEDBACK_VOTE";
  constructor() {
    super("You cannot vote on your own feedback; it already counts as yours");
  }
}

export class AlreadyVotedError extends DomainError {
  code = "ALREADY_VOTED";
  constructor() {
    super("You have already voted on this feedback");
  }
}

export class InvalidStatusTransitionError extends DomainError {
  code = "INVALID_STATUS_TRANSITION";
  constructor(readonly from: FeedbackStatus, readonly to: FeedbackStatus, readonly allowed: FeedbackStatus[]) {
    super(`Feedback cannot move from ${from} to ${to}; allowed: ${allowed.length ? allowed.join(", ") : "none (final status)"}`);
  }
}
