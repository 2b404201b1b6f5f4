-- CreateIndex
CREATE INDEX "PointsEntry_occurredAt_userId_points_idx" ON "PointsEntry"("occurredAt", "userId", "points");

