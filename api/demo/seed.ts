// The demo workspace: loaded once into the embedded default database so a newcomer sees a
// populated GraphiQL and populated widgets. Everything here is marked as demo data
// (externalIds start with "demo-", the Setting "demo" says when it was loaded).
// Deterministic: the same seed gives the same people, usage and points, relative to today.
import type { Db } from "../db.ts";
import { dayOf } from "../domain/days.ts";
import { WORKSPACE_SCOPE } from "../domain/points.ts";
import { periodStart, TOTALLED_PERIODS } from "../domain/periods.ts";
import { FALLBACK_POINTS } from "../domain/contributions/rules.ts";
import type { ContributionKind, FeedbackStatus } from "../gen/sqlite/client.ts";

export const DEMO_PROGRAM_SLUG = "insiders";
export const DEMO_COHORT_NAME = "AI assistant beta";

/** The demo configures the built-in defaults explicitly, so `pointsRules` shows them as configured. */
export const DEFAULT_POINTS: Record<ContributionKind, number> = FALLBACK_POINTS;

const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Edsger", "Barbara", "Dennis", "Frances", "Ken", "Radia", "Tim", "Hedy", "John", "Sophie", "Guido", "Joan", "Donald", "Shafi"];
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Dijkstra", "Liskov", "Ritchie", "Allen", "Thompson", "Perlman", "Berners-Lee", "Lamarr", "McCarthy", "Wilson", "van Rossum", "Clarke", "Knuth", "Goldwasser"];
const TEAMS = ["Sales", "Support", "Engineering", "Finance", "Marketing", "Operations"];
const REGIONS = ["EMEA", "AMER", "APAC"];
const FEATURES: { key: string; name: string; advanced: boolean }[] = [
  { key: "dashboards", name: "Dashboards", advanced: false },
  { key: "reports", name: "Reports", advanced: false },
  { key: "sharing", name: "Sharing", advanced: false },
  { key: "comments", name: "Comments", advanced: false },
  { key: "search", name: "Search", advanced: false },
  { key: "exports", name: "Exports", advanced: false },
  { key: "alerts", name: "Alerts", advanced: false },
  { key: "mobile", name: "Mobile app", advanced: false },
  { key: "api", name: "API", advanced: true },
  { key: "automations", name: "Automations", advanced: true },
  { key: "sql-editor", name: "SQL editor", advanced: true },
  { key: "custom-metrics", name: "Custom metrics", advanced: true },
];

/** A seeded random number generator (mulberry32: small, fast, deterministic); also used by tests and benchmarks. */
export function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedDemoIfFresh(db: Db, options: { users?: number; now?: Date } = {}) {
  const marker = await db.setting.findUnique({ where: { key: "demo" } });
  if (marker || (await db.user.count()) > 0) return null;
  return seedDemo(db, options);
}

export async function seedDemo(db: Db, { users: userCount = 200, now = new Date() }: { users?: number; now?: Date } = {}) {
  const random = rng(20261127);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const today = dayOf(now);
  const at = (day: number, hour = 12) => new Date(day * 86_400_000 + hour * 3_600_000);

  await db.$transaction(
    async (tx) => {
      await tx.setting.create({
        data: { key: "demo", value: { seededAt: now.toISOString(), note: "Demo workspace: generated sample data, safe to delete." } },
      });
      await tx.pointsRule.createMany({ data: Object.entries(DEFAULT_POINTS).map(([kind, points]) => ({ kind: kind as ContributionKind, points })) });
      await tx.feature.createMany({ data: FEATURES.map((f) => ({ id: `demo-feature-${f.key}`, ...f })) });

      // People, each with an engagement level; a few are very engaged (the power users).
      const people = Array.from({ length: userCount }, (_, i) => {
        const n = String(i + 1).padStart(3, "0");
        const intensity = Math.min(0.97, Math.pow(random(), 2.2) + 0.03);
        return {
          id: `demo-u-${n}`,
          externalId: `demo-user-${n}`,
          displayName: `${FIRST[i % FIRST.length]} ${LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]}`,
          email: `demo-user-${n}@example.com`,
          team: pick(TEAMS),
          attributes: { role: pick(["analyst", "manager", "engineer", "admin"]), region: pick(REGIONS), demo: true },
          showOnLeaderboards: random() > 0.05,
          firstSeenAt: at(today - 60 - Math.floor(random() * 300)),
          intensity,
        };
      });
      const dailyRows: { userId: string; day: number; featureId: string; events: number; sessions: number }[] = [];
      const dayRows: { userId: string; day: number; events: number; sessions: number }[] = [];
      const lastActive = new Map<string, Date>();
      for (const p of people) {
        for (let d = today - 59; d <= today; d++) {
          if (random() > p.intensity) continue;
          const sessions = 1 + Math.floor(random() * 3);
          const breadth = 1 + Math.floor(random() * (2 + p.intensity * 9));
          const used = new Set<string>();
          for (let k = 0; k < breadth; k++) {
            const f = FEATURES[Math.floor(random() * (p.intensity > 0.5 ? FEATURES.length : 8))]!;
            used.add(f.key);
          }
          let events = 0;
          for (const key of used) {
            const e = 1 + Math.floor(random() * 12);
            events += e;
            dailyRows.push({ userId: p.id, day: d, featureId: `demo-feature-${key}`, events: e, sessions: Math.min(sessions, 1 + Math.floor(random() * sessions)) });
          }
          dayRows.push({ userId: p.id, day: d, events, sessions });
          lastActive.set(p.id, at(d, 9 + Math.floor(random() * 8)));
        }
      }
      await tx.user.createMany({
        data: people.map(({ intensity: _i, ...u }) => ({ ...u, lastActiveAt: lastActive.get(u.id) ?? null })),
      });
      const managerOf = (i: number) => people[Math.floor(i / 10) * 10]!.id;
      for (let i = 1; i < people.length; i++) {
        if (i % 10 !== 0) await tx.user.update({ where: { id: people[i]!.id }, data: { managerId: managerOf(i) } });
      }
      for (let i = 0; i < dailyRows.length; i += 5000) await tx.usageDaily.createMany({ data: dailyRows.slice(i, i + 5000) });
      for (let i = 0; i < dayRows.length; i += 5000) await tx.userDay.createMany({ data: dayRows.slice(i, i + 5000) });

      // The program, its tiers, and members ranked by engagement.
      const program = await tx.program.create({
        data: {
          id: "demo-program-insiders",
          slug: DEMO_PROGRAM_SLUG,
          name: "Insiders",
          kind: "COMMUNITY",
          visibility: "PUBLIC",
          description: "Our most engaged users: early access, a direct line to the product team, and recognition. (Demo)",
          ownerId: people[0]!.id,
          criteria: { all: [
            { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 15 },
            { metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", value: 5 },
          ] },
          invitationTemplate: "Hi {{firstName}}, you were active {{activeDays}} of the last 30 days and used {{advancedFeatures}} advanced features. We'd love you in {{program.name}}.",
        },
      });
      const tierDefs = [
        { name: "Advocate", rank: 1, benefits: ["Insiders channel", "Monthly product briefing"], criteria: { all: [{ metric: "POINTS", windowDays: 365, op: "GTE", value: 0, programSlug: DEMO_PROGRAM_SLUG }] } },
        { name: "Champion", rank: 2, benefits: ["Early access to betas", "Champion badge"], criteria: { all: [{ metric: "POINTS", windowDays: 365, op: "GTE", value: 250, programSlug: DEMO_PROGRAM_SLUG }] } },
        { name: "Ambassador", rank: 3, benefits: ["Roadmap sessions with the product team", "Conference pass"], criteria: { all: [{ metric: "POINTS", windowDays: 365, op: "GTE", value: 600, programSlug: DEMO_PROGRAM_SLUG }] } },
      ];
      const tiers = [];
      for (const t of tierDefs) tiers.push(await tx.tier.create({ data: { programId: program.id, ...t, id: `demo-tier-${t.name.toLowerCase()}` } }));

      const byEngagement = [...people].sort((a, b) => b.intensity - a.intensity);
      const members = byEngagement.slice(0, Math.max(3, Math.round(userCount * 0.22)));

      // Contributions and the ledger: members contribute most; some non-members do too.
      const kinds = Object.keys(DEFAULT_POINTS) as ContributionKind[];
      const contributions: { id: string; externalId: string; userId: string; programId: string | null; kind: ContributionKind; points: number; status: "APPROVED" | "PENDING"; title: string; occurredAt: Date }[] = [];
      const totals = new Map<string, { points: number; last: Date }>();
      const periodTotals = new Map<string, { points: number; last: Date }>();
      const add = (map: typeof totals, key: string, points: number, when: Date) => {
        const t = map.get(key) ?? { points: 0, last: when };
        t.points += points;
        if (when > t.last) t.last = when;
        map.set(key, t);
      };
      // The all-time and calendar-period totals that appendPoints would maintain.
      const addTotal = (userId: string, scope: string, points: number, when: Date) => {
        add(totals, `${userId}|${scope}`, points, when);
        for (const period of TOTALLED_PERIODS) add(periodTotals, `${userId}|${scope}|${period}|${dayOf(periodStart(period, when)!)}`, points, when);
      };
      const memberIds = new Set(members.map((m) => m.id));
      let n = 0;
      for (const p of byEngagement) {
        const count = Math.floor(p.intensity * (memberIds.has(p.id) ? 22 : 6) * random());
        for (let k = 0; k < count; k++) {
          const kind = random() < 0.5 ? "ANSWER" : pick(kinds);
          const when = at(today - Math.floor(random() * 60), 8 + Math.floor(random() * 10));
          const pending = random() < 0.04;
          n++;
          contributions.push({
            id: `demo-contribution-${n}`,
            externalId: `demo-contribution-${n}`,
            userId: p.id,
            programId: memberIds.has(p.id) ? program.id : null,
            kind,
            points: DEFAULT_POINTS[kind],
            status: pending ? "PENDING" : "APPROVED",
            title: `${kind.toLowerCase().replace("_", " ")} #${n}`,
            occurredAt: when,
          });
        }
      }
      for (let i = 0; i < contributions.length; i += 2000) await tx.contribution.createMany({ data: contributions.slice(i, i + 2000) });
      const ledger = contributions
        .filter((c) => c.status === "APPROVED")
        .map((c) => {
          addTotal(c.userId, WORKSPACE_SCOPE, c.points, c.occurredAt);
          if (c.programId) addTotal(c.userId, c.programId, c.points, c.occurredAt);
          return { userId: c.userId, contributionId: c.id, programId: c.programId, points: c.points, reason: "CONTRIBUTION" as const, occurredAt: c.occurredAt };
        });
      for (let i = 0; i < ledger.length; i += 2000) await tx.pointsEntry.createMany({ data: ledger.slice(i, i + 2000) });
      await tx.pointsTotal.createMany({
        data: [...totals].map(([key, t]) => {
          const [userId, scope] = key.split("|") as [string, string];
          return { userId, scope, points: t.points, lastEarnedAt: t.last };
        }),
      });
      const periodRows = [...periodTotals].map(([key, t]) => {
        const [userId, scope, period, start] = key.split("|") as [string, string, string, string];
        return { userId, scope, period, start: Number(start), points: t.points, lastEarnedAt: t.last };
      });
      for (let i = 0; i < periodRows.length; i += 2000) await tx.pointsPeriodTotal.createMany({ data: periodRows.slice(i, i + 2000) });

      // Memberships with tiers from their program points.
      for (const [i, m] of members.entries()) {
        const points = totals.get(`${m.id}|${program.id}`)?.points ?? 0;
        const tier = points >= 600 ? tiers[2]! : points >= 250 ? tiers[1]! : tiers[0]!;
        const joined = at(today - 45 + (i % 30));
        const membership = await tx.membership.create({
          data: {
            programId: program.id, userId: m.id, status: i === members.length - 1 ? "PAUSED" : "ACTIVE",
            source: i === 5 ? "OVERRIDE" : i % 4 === 0 ? "NOMINATION" : "CRITERIA",
            overrideReason: i === 5 ? "Strategic customer sponsor (demo override)" : null,
            overrideBy: i === 5 ? "admin-secret" : null,
            tierId: tier.id, tierSince: joined, joinedAt: joined,
          },
        });
        await tx.tierChange.create({ data: { membershipId: membership.id, toTierId: tier.id, reason: "Joined the program", createdAt: joined } });
        if (tier.rank > 1) {
          await tx.recognitionEvent.create({
            data: { kind: "TIER_PROMOTED", userId: m.id, programId: program.id, tierId: tier.id, message: `reached ${tier.name} in Insiders`, occurredAt: at(today - (i % 20)) },
          });
        }
      }

      // Onboarding checklist, partly done by the first members; two nominations waiting for review.
      const stepDefs = [
        { title: "Introduce yourself in the Insiders channel", description: "Say hello and what you use the product for." },
        { title: "Book your product briefing", description: "A 30-minute call with the product team." },
        { title: "Share one tip", description: "Post a tip or an answer in the community." },
      ];
      const steps = [];
      for (const [i, d] of stepDefs.entries()) steps.push(await tx.onboardingStep.create({ data: { id: `demo-step-${i + 1}`, programId: program.id, position: i + 1, ...d } }));
      const firstMemberships = await tx.membership.findMany({ where: { programId: program.id, userId: { in: members.slice(0, 6).map((m) => m.id) } } });
      for (const [i, m] of firstMemberships.entries()) {
        for (const step of steps.slice(0, 3 - (i % 3))) {
          await tx.onboardingProgress.create({ data: { stepId: step.id, membershipId: m.id, userId: m.userId, completedAt: at(today - 20 + i) } });
        }
      }
      const outsiders = byEngagement.filter((p) => !memberIds.has(p.id));
      for (const [i, nominee] of outsiders.slice(0, 2).entries()) {
        await tx.nomination.create({
          data: {
            programId: program.id, nomineeId: nominee.id, nominatorId: members[i]!.id, kind: "PEER", createdAt: at(today - 2 + i),
            reason: i === 0 ? "Answers half the questions in our team channel." : "Built our whole reporting on the SQL editor.",
          },
        });
      }

      // Badges, one with a title.
      const badgeDefs = [
        { slug: "first-answer", name: "First answer", description: "Answered a question in the community", rule: { contributions: { kind: "ANSWER", gte: 1 } } },
        { slug: "helper", name: "Helper", description: "Ten answers or more", rule: { contributions: { kind: "ANSWER", gte: 10 } } },
        { slug: "product-champion", name: "Product Champion", title: "Product Champion", description: "600 points or more", rule: { points: { gte: 600 } } },
        { slug: "innovation-lead", name: "Innovation Lead", title: "Innovation Lead", description: "Awarded by hand for ideas that shipped", rule: null },
      ];
      const answers = new Map<string, number>();
      for (const c of contributions) if (c.kind === "ANSWER" && c.status === "APPROVED") answers.set(c.userId, (answers.get(c.userId) ?? 0) + 1);
      for (const b of badgeDefs) {
        const badge = await tx.badge.create({ data: { ...b, id: `demo-badge-${b.slug}`, rule: b.rule ?? undefined } });
        const winners =
          b.slug === "first-answer" ? [...answers].filter(([, c]) => c >= 1).map(([u]) => u)
          : b.slug === "helper" ? [...answers].filter(([, c]) => c >= 10).map(([u]) => u)
          : b.slug === "product-champion" ? [...totals].filter(([k, t]) => k.endsWith("|") && t.points >= 600).map(([k]) => k.split("|")[0]!)
          : members.slice(0, 2).map((m) => m.id);
        for (const [i, userId] of winners.entries()) {
          const award = await tx.badgeAward.create({
            data: { badgeId: badge.id, userId, reason: b.rule ? "Rule met" : "Shipped the dashboard sharing idea", awardedBy: b.rule ? null : "admin-secret", awardedAt: at(today - (i % 40)) },
          });
          await tx.recognitionEvent.create({
            data: { kind: "BADGE_AWARDED", userId, programId: b.slug.includes("champion") ? program.id : null, badgeAwardId: award.id, message: `earned the ${b.name} badge`, occurredAt: award.awardedAt },
          });
        }
      }

      // An open beta cohort, partly filled.
      const cohort = await tx.cohort.create({
        data: {
          id: "demo-cohort-ai-assistant",
          name: DEMO_COHORT_NAME,
          description: "Try the AI assistant before everyone else and tell us what you think. (Demo)",
          featureKey: "ai-assistant",
          programId: program.id,
          capacity: 25,
          mode: "OPEN",
          opensAt: at(today - 10),
          closesAt: at(today + 30),
        },
      });
      const enrolled = members.slice(0, 18);
      for (const [i, m] of enrolled.entries()) {
        await tx.enrollment.create({ data: { cohortId: cohort.id, userId: m.id, status: "ACCEPTED", acceptedAt: at(today - 9 + (i % 9)) } });
      }
      await tx.cohort.update({ where: { id: cohort.id }, data: { acceptedCount: enrolled.length } });

      // Feedback in several states, with votes and status history.
      const ideas = [
        ["IDEA", "Schedule dashboard exports", "Send a PDF of a dashboard every Monday morning."],
        ["BUG", "Alerts fire twice after editing", "When I edit an alert it sends two notifications."],
        ["IDEA", "Dark mode for the mobile app", "Easier on the eyes at night."],
        ["PRAISE", "The SQL editor is superb", "Autocomplete saved me hours this week."],
        ["QUESTION", "Can automations call webhooks?", "I want to trigger our CI from an automation."],
        ["IDEA", "Share reports with external guests", "Read-only links for customers."],
        ["BUG", "Search misses archived reports", "Archived reports never show up in search."],
        ["IDEA", "Custom metrics in alerts", "Alert on a custom metric crossing a threshold."],
        ["IDEA", "Assistant should cite its sources", "In the AI assistant beta, show where an answer came from."],
        ["BUG", "Export drops the last row", "CSV exports are missing the final row."],
      ] as const;
      const flow: FeedbackStatus[][] = [
        ["ACKNOWLEDGED", "PLANNED", "IN_PROGRESS", "SHIPPED"], ["ACKNOWLEDGED", "IN_PROGRESS"], ["ACKNOWLEDGED", "PLANNED"], ["ACKNOWLEDGED"], [],
        ["ACKNOWLEDGED", "DECLINED"], ["ACKNOWLEDGED", "PLANNED", "IN_PROGRESS", "SHIPPED"], [], ["ACKNOWLEDGED"], ["ACKNOWLEDGED", "IN_PROGRESS"],
      ];
      for (const [i, [kind, title, body]] of ideas.entries()) {
        const author = members[(i * 3) % members.length]!;
        const created = at(today - 40 + i * 3);
        const steps = flow[i]!;
        const feedback = await tx.feedback.create({
          data: {
            id: `demo-feedback-${i + 1}`, authorId: author.id, kind, title, body, rating: kind === "PRAISE" ? 5 : null,
            cohortId: title.includes("Assistant") ? cohort.id : null, programId: program.id,
            featureId: i % 2 === 0 ? `demo-feature-${FEATURES[i % FEATURES.length]!.key}` : null,
            status: steps.at(-1) ?? "NEW", createdAt: created,
            acknowledgedAt: steps.length ? at(today - 39 + i * 3) : null,
            closedAt: ["SHIPPED", "DECLINED"].includes(steps.at(-1) ?? "") ? at(today - 2) : null,
          },
        });
        let from: FeedbackStatus = "NEW";
        for (const [s, to] of steps.entries()) {
          await tx.feedbackStatusChange.create({
            data: { feedbackId: feedback.id, fromStatus: from, toStatus: to, note: to === "SHIPPED" ? "Shipped in the latest release: thank you!" : to === "DECLINED" ? "Not planned: guests are out of scope this year." : `Moved to ${to.toLowerCase().replace("_", " ")}.`, actor: "admin-secret", createdAt: at(today - 39 + i * 3 + s * 2) },
          });
          from = to;
        }
        const voters = members.filter((_, k) => (k + i) % 3 === 0 && members[k]!.id !== author.id).slice(0, 2 + i * 2);
        if (voters.length) await tx.feedbackVote.createMany({ data: voters.map((v) => ({ feedbackId: feedback.id, userId: v.id })) });
        await tx.feedback.update({ where: { id: feedback.id }, data: { voteCount: voters.length } });
      }

      // Success stories: one published, one waiting for its subject's approval.
      const hero = members[0]!;
      const story = await tx.story.create({
        data: {
          id: "demo-story-1", subjectId: hero.id, programId: program.id,
          headline: "Month-end close in two days instead of five",
          whatTheyDid: "Built an automation that reconciles exports from three systems and posts the variances to a shared dashboard.",
          takeaway: "Start with one painful report and automate it end to end.",
          quotes: ["I stopped copying numbers between spreadsheets. That alone gave me back a day a week."],
          status: "PUBLISHED", approvedAt: at(today - 6), publishedAt: at(today - 5), createdBy: "admin-secret",
        },
      });
      await tx.recognitionEvent.create({ data: { kind: "STORY_PUBLISHED", userId: hero.id, programId: program.id, storyId: story.id, message: `is the hero of "${story.headline}"`, occurredAt: at(today - 5) } });
      await tx.story.create({
        data: {
          id: "demo-story-2", subjectId: members[1]!.id, programId: program.id,
          headline: "Support answers customers twice as fast with saved searches",
          whatTheyDid: "Set up saved searches and alerts for the top ten ticket categories.",
          takeaway: "Let alerts come to you.", quotes: ["We see problems before customers do."],
          status: "AWAITING_APPROVAL", createdBy: "admin-secret",
        },
      });

      // Referrals.
      const referralStatus = ["SUBMITTED", "QUALIFIED", "CONVERTED", "LOST", "CONVERTED"] as const;
      for (let i = 0; i < 8; i++) {
        const status = referralStatus[i % referralStatus.length]!;
        await tx.referral.create({
          data: {
            referrerId: members[i % members.length]!.id, programId: program.id, contactName: `Prospect ${i + 1} (demo)`,
            company: `Example Co ${i + 1}`, status, value: status === "CONVERTED" ? 12000 + i * 1000 : null,
            currency: status === "CONVERTED" ? "EUR" : null, convertedAt: status === "CONVERTED" ? at(today - 3 - i) : null,
            lostReason: status === "LOST" ? "Chose to wait a year" : null,
          },
        });
      }
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  return { users: userCount };
}
