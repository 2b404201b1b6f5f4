export const MEMBER_CARD_QUERY = /* GraphQL */ `query PuBadge($userId: String, $program: String) {
  memberCard(userId: $userId, program: $program) {
    user { externalId displayName isAnonymous } title points tier { name rank }
    badges { slug name title icon awardedAt }
  }
}`;

export interface MemberCard {
  user: { externalId: string; displayName: string; isAnonymous: boolean };
  title: string | null;
  points: number;
  tier: { name: string; rank: number } | null;
  badges: { slug: string; name: string; title: string | null; icon: string | null; awardedAt: string }[];
}
