package dev.sluice.event;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Event names Sluice accepts: Meta's standard events plus {@code Refund} and {@code SignUp}, or a
 * custom name of a letter followed by up to 49 letters, digits or underscores.
 */
public final class EventNames {

    /** The standard names, spelt exactly as on the wire. */
    public static final Set<String> STANDARD = Set.of(
            "AddPaymentInfo", "AddToCart", "AddToWishlist", "CompleteRegistration", "Contact",
            "CustomizeProduct", "Donate", "FindLocation", "InitiateCheckout", "Lead", "PageView",
            "Purchase", "Schedule", "Search", "StartTrial", "SubmitApplication", "Subscribe",
            "ViewContent", "Refund", "SignUp");

    static final Pattern CUSTOM = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,49}");

    private static final Map<String, String> STANDARD_BY_LOWER_CASE = STANDARD.stream()
            .collect(Collectors.toUnmodifiableMap(name -> name.toLowerCase(Locale.ROOT), Function.identity()));

    private EventNames() {
    }

    /** Whether {@code name} is one of the {@link #STANDARD} names, case-sensitively. */
    public static boolean isStandard(String name) {
        return STANDARD.contains(name);
    }

    /** Whether {@code name} is standard or a well-formed custom name. */
    public static boolean isValid(String name) {
        return STANDARD.contains(name) || CUSTOM.matcher(name).matches();
    }

    /** The standard name that {@code name} spells in another case, e.g. {@code Purchase} for {@code purchase}. */
    static Optional<String> standardIgnoringCase(String name) {
        return Optional.ofNullable(STANDARD_BY_LOWER_CASE.get(name.toLowerCase(Locale.ROOT)));
    }
}
