// The composed, bubbling events elements send to the host page, typed for listeners.

export interface PuEventDetails {
  "pu-error": { message: string; element: string };
  "pu-feedback-submitted": { feedback: { id: string; title: string; status: string }; url: string | null };
  "pu-beta-joined": { cohortId: string; enrollment: { id: string; status: string; waitlistPosition: number | null } };
  "pu-beta-left": { cohortId: string; enrollment: { id: string; status: string } };
}

export type PuEventName = keyof PuEventDetails;

export class PuEvent<K extends PuEventName = PuEventName> extends CustomEvent<PuEventDetails[K]> {
  constructor(type: K, detail: PuEventDetails[K]) {
    super(type, { detail, bubbles: true, composed: true });
  }
}

export type PuErrorEvent = PuEvent<"pu-error">;

declare global {
  interface GlobalEventHandlersEventMap {
    "pu-error": PuEvent<"pu-error">;
    "pu-feedback-submitted": PuEvent<"pu-feedback-submitted">;
    "pu-beta-joined": PuEvent<"pu-beta-joined">;
    "pu-beta-left": PuEvent<"pu-beta-left">;
  }
}
