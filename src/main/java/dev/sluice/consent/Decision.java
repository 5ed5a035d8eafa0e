package dev.sluice.consent;

/**
 * What a destination may receive for one event. Declared from most to least permissive, so that
 * {@link #stricter(Decision)} can compare by order: when signals disagree, the stricter wins.
 */
public enum Decision {
    /** Send the event as the destination's profile renders it (plus any consent flags). */
    ALLOW,
    /** Send it with the platform's limited-use flags set, and user data stripped where the policy says. */
    LIMITED,
    /** Send nothing. */
    DENY;

    /** The stricter of this decision and {@code other}. */
    public Decision stricter(Decision other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
