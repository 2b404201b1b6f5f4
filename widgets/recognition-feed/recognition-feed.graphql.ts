export const RECOGNITION_FEED_QUERY = /* GraphQL */ `query PuRecognitionFeed($program: String, $first: Int) {
  recognitionFeed(program: $program, first: $first) {
    edges { node { id kind message occurredAt user { displayName isAnonymous } } }
  }
}`;

export interface RecognitionItem {
  id: string;
  kind: string;
  message: string;
  occurredAt: string;
  user: { displayName: string; isAnonymous: boolean };
}
