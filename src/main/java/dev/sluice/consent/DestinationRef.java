package dev.sluice.consent;

/**
 * A destination to decide for: the tenant's id for it and its platform type.
 *
 * @param id   destination id, e.g. {@code meta-eu}
 * @param type platform type, e.g. {@code meta}
 */
public record DestinationRef(String id, String type) {
}
