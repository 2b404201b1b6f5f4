// What the sign-up says about the seats and about the member's own enrolment.
import type { Cohort } from "./beta-signup.graphql.ts";

export type Standing =
  | { kind: "accepted" }
  | { kind: "waitlisted"; position: number | null }
  | { kind: "pending" }
  | { kind: "open"; full: boolean }
  | { kind: "closed" };

const ACTIVE = new Set(["ACCEPTED", "WAITLISTED", "PENDING"]);

export function standing(cohort: Cohort): Standing {
  const mine = cohort.myEnrollment;
  if (mine && ACTIVE.has(mine.status)) {
    if (mine.status === "ACCEPTED") return { kind: "accepted" };
    if (mine.status === "WAITLISTED") return { kind: "waitlisted", position: mine.waitlistPosition };
    return { kind: "pending" };
  }
  if (!cohort.isOpen) return { kind: "closed" };
  return { kind: "open", full: cohort.seatsLeft <= 0 };
}

/** String key and values for the seats line. */
export function seatsMessage(cohort: Cohort): [string, Record<string, number>] {
  if (cohort.seatsLeft <= 0) return ["seatsFull", { waitlist: cohort.waitlistLength }];
  return [cohort.seatsLeft === 1 ? "seatsOne" : "seatsLeft", { seats: cohort.seatsLeft, capacity: cohort.capacity ?? 0 }];
}
