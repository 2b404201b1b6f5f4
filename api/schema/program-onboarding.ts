// Onboarding checklist per program: steps (admins), progress and completion (members).
import { z } from "zod";
import { builder } from "../builder.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { completeOnboardingStep, createOnboardingStep, onboardingProgress } from "../domain/programs/onboarding.ts";
import { idOf, myProgramView, ProgramRef, programVisibleById } from "./programs.ts";
import type { OnboardingStep, Program } from "../gen/sqlite/client.ts";

export const OnboardingStepRef = builder.prismaNode("OnboardingStep", {
  id: { field: "id" },
  authScopes: (step, ctx) => programVisibleById(ctx, (step as OnboardingStep).programId),
  fields: (t) => ({
    position: t.exposeInt("position"),
    title: t.exposeString("title"),
    description: t.exposeString("description", { nullable: true }),
  }),
});

interface Item {
  step: OnboardingStep;
  completedAt: Date | null;
}
const OnboardingItemRef = builder.objectRef<Item>("OnboardingItem").implement({
  authScopes: { public: true },
  fields: (t) => ({
    step: t.field({ type: OnboardingStepRef, resolve: (i) => i.step }),
    completed: t.boolean({ resolve: (i) => !!i.completedAt }),
    completedAt: t.field({ type: "DateTime", nullable: true, resolve: (i) => i.completedAt }),
  }),
});

interface Progress {
  program: Program;
  items: Item[];
  completedCount: number;
  totalCount: number;
  completed: boolean;
}
const OnboardingProgressRef = builder.objectRef<Progress>("OnboardingChecklist").implement({
  authScopes: { public: true },
  description: "A member's onboarding checklist in one program.",
  fields: (t) => ({
    program: t.field({ type: ProgramRef, resolve: (p) => p.program }),
    items: t.field({ type: [OnboardingItemRef], resolve: (p) => p.items }),
    completedCount: t.exposeInt("completedCount"),
    totalCount: t.exposeInt("totalCount"),
    completed: t.exposeBoolean("completed", { description: "Every step done (false for a program without steps)." }),
  }),
});

builder.queryField("onboarding", (t) =>
  t.field({
    type: OnboardingProgressRef,
    nullable: true,
    description: "The signed-in member's onboarding checklist in a program; null when not a member.",
    skipTypeScopes: true,
    authScopes: { member: true },
    args: { program: t.arg.string({ required: false, validate: z.string().max(100) }), programId: t.arg.globalID({ required: false }) },
    resolve: (_root, args, ctx) => myProgramView(ctx, args, (programId, userId) => onboardingProgress(ctx.db, programId, userId)),
  }),
);

const CreateStepPayload = builder.objectRef<{ step: OnboardingStep }>("CreateOnboardingStepPayload").implement({
  authScopes: { public: true },
  fields: (t) => ({ step: t.field({ type: OnboardingStepRef, resolve: (p) => p.step }) }),
});
const CompleteStepPayload = builder.objectRef<Progress>("CompleteOnboardingStepPayload").implement({
  authScopes: { public: true },
  fields: (t) => ({ checklist: t.field({ type: OnboardingProgressRef, resolve: (p) => p }) }),
});

builder.mutationFields((t) => ({
  createOnboardingStep: t.field({
    type: CreateStepPayload,
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError] },
    args: {
      input: t.arg({
        type: builder.inputType("CreateOnboardingStepInput", {
          fields: (f) => ({
            programId: f.globalID(),
            title: f.string({ validate: z.string().trim().min(1).max(200) }),
            description: f.string({ required: false, validate: z.string().trim().max(2000) }),
            position: f.int({ required: false, validate: z.number().int().min(1).max(1000), description: "Default: after the last step." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({ step: await createOnboardingStep(ctx.db, ctx.caller, ctx.requestId, { ...input, programId: idOf(input.programId, "Program") }) }),
  }),
  completeOnboardingStep: t.field({
    type: CompleteStepPayload,
    description: "The signed-in member ticks off a step of a program they belong to (again is harmless).",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: builder.inputType("CompleteOnboardingStepInput", { fields: (f) => ({ stepId: f.globalID() }) }) }) },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      const progress = await completeOnboardingStep(ctx.db, me, idOf(input.stepId, "OnboardingStep"));
      const program = await ctx.db.program.findUniqueOrThrow({ where: { id: progress.membership.programId } });
      return { program, ...progress };
    },
  }),
}));
