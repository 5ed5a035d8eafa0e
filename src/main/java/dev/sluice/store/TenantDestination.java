package dev.sluice.store;

/** One tenant's destination: destination ids are unique only within a tenant. */
record TenantDestination(String tenantId, String destinationId) {
}
