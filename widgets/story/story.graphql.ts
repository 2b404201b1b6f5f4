const STORY = `id headline whatTheyDid takeaway quotes publishedAt subject { displayName }`;

export const STORY_QUERY = /* GraphQL */ `query PuStory($id: ID!) { story(id: $id) { ${STORY} } }`;

export const LATEST_STORY_QUERY = /* GraphQL */ `query PuLatestStory($program: String) {
  stories(program: $program, first: 1) { edges { node { ${STORY} } } }
}`;

export interface Story {
  id: string;
  headline: string;
  whatTheyDid: string;
  takeaway: string | null;
  quotes: string[];
  publishedAt: string | null;
  subject: { displayName: string };
}
