package dev.sluice.connector;

import dev.sluice.event.EventNames;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one scrubber for text an ad platform sends back (error messages, statuses, reasons). That
 * text goes into dead-letter reasons, the destinations view, the plain-text {@code last_error}
 * column and log lines, none of which may hold personal data; and platforms sometimes echo what
 * they were sent, which includes raw client IPs, user agents and click ids. Until session 40 each
 * connector had its own scrubber, and Meta's and TikTok's (regexes for what looks like data) let
 * compressed IPv6 addresses and user agents through (review 4, finding 1).
 *
 * <p>The rule is an allow-list: the text is split at whitespace, and a token is kept only when it
 * is one of the shapes below, possibly wrapped in punctuation from {@code ( [ { #} before and
 * {@code . , ; : ! ? ) ] }} after. Everything else is replaced by {@code <redacted>} (followed by
 * the token's closing {@code . , ; : ! ?}, so the text still reads):
 * <ul>
 *   <li>a lowercase word of ASCII letters, possibly joined by {@code -}, {@code '} or {@code /}
 *       ({@code ramped-down}, {@code isn't}, {@code requests/events}), at most 30 letters a part;</li>
 *   <li>a capitalised word ({@code Invalid}, {@code You're}) only where a sentence or clause starts:
 *       first, or after a kept token that ends in {@code . : ; ! ? )} or is punctuation alone.
 *       A capitalised word inside a sentence is a proper noun, and proper nouns in an error
 *       about an event are most likely a person's name ("rejected for user Jane Doe");</li>
 *   <li>a field name: lowercase letter groups joined by {@code _} or {@code .}, or indexed with
 *       {@code [n]}, with at least one {@code _} or index ({@code client_ip_address}, {@code user_data.em},
 *       {@code data[0].user.email}); no digits, so ids such as {@code a2_pixel42} do not pass, and
 *       no bare dotted names, which are host names;</li>
 *   <li>a JSON pointer into the request ({@code /user/userInfo/firstName}, {@code /elements/0/eventId});</li>
 *   <li>a constant in capitals with an underscore ({@code INVALID_VALUE}, {@code CONVERSIONS_API});</li>
 *   <li>a word of {@link #KNOWN} (acronyms, names of the platforms' own things and the words of
 *       HTTP reason phrases: {@code ID}, {@code PII}, {@code OAuth}, {@code Pixel}, {@code Unavailable},
 *       Sluice's standard event names) or an exception
 *       type ({@code OAuthException});</li>
 *   <li>a number of at most 4 digits (error codes such as {@code (#100)}, counts, indices), or one
 *       joined to a word ({@code 0-indexed}). Five and more digits may be a zip code, an id, a
 *       timestamp or part of a phone number; several numbers in a row that hold 7 digits or
 *       more together ({@code +1 (555) 010 0199}) are one phone number and go together;</li>
 *   <li>punctuation alone, up to 4 characters ({@code ::}, {@code -}).</li>
 * </ul>
 * A quoted string ({@code '...'} or {@code "..."}) is judged whole: it is kept only when it holds
 * a single field name (as above, or one of the connector's {@code quotable} names), else it becomes
 * {@code '<redacted>'}; quotes are where platforms put the values they refuse.
 *
 * <p>So IPv4 and IPv6 addresses in every form ({@code ::1}, {@code fe80::1%eth0},
 * {@code ::ffff:10.0.0.1}), anything with {@code /} and digits (user agents, URLs), e-mail
 * addresses, hashes, base64 and digit runs, click ids and JSON fragments never pass. What this
 * cannot tell from a word is a value written as a lowercase word (a name sent in lowercase) or a
 * capitalised one that starts a sentence; Sluice sends names only hashed, so a platform has no raw
 * name to echo, and the rule is there for what it might echo anyway.
 */
public final class PlatformText {
    public static final String REDACTED = "<redacted>";
    private static final String QUOTED_REDACTED = "'" + REDACTED + "'";

    /** Words kept anywhere in a sentence: the platforms' acronyms and names of their own things. */
    static final Set<String> KNOWN = known();

    private static Set<String> known() {
        List<String> words = new ArrayList<>(List.of(
                "API", "APIs", "ID", "IDs", "IP", "IPv4", "IPv6", "PII", "URL", "URLs", "HTTP", "HTTPS", "JSON", "UTC", "SDK", "OK", "ERROR",
                "OAuth", "Graph", "Pixel", "Pixels", "Conversions", "Events", "Manager", "Ads", "Business",
                "Meta", "Facebook", "TikTok", "Pinterest", "Reddit", "Snap", "Snapchat", "LinkedIn", "Google", "Analytics",
                "GA4", "CAPI", "APPLICATION", "MEMBER", "DAY", "HOUR", "MINUTE",
                "VALID", "INVALID", "FAILED", "PROCESSED", "SUCCESS", "PARTIAL", "PENDING", "UNAUTHORIZED", "FORBIDDEN",
                // HTTP reason phrases, which platforms send as messages in title case ("Service Unavailable").
                "Bad", "Request", "Requests", "Too", "Many", "Not", "Found", "Internal", "Server", "Error", "Service",
                "Unavailable", "Gateway", "Timeout", "Unauthorized", "Forbidden", "Unprocessable", "Entity", "Content",
                "Conflict", "Method", "Allowed", "Payload", "Large", "Required", "Gone", "Upgrade"));
        words.addAll(EventNames.STANDARD);
        return Set.copyOf(words);
    }

    private static final Pattern LOWER_WORD = Pattern.compile("[a-z]{1,30}(?:['/-][a-z]{1,30}){0,3}");
    private static final Pattern CAPITALISED = Pattern.compile("[A-Z][a-z]{0,29}(?:['-][a-z]{1,30}){0,2}");
    private static final Pattern FIELD = Pattern.compile(
            "[a-z]{1,40}(?:\\[\\d{1,4}])?(?:[_.][a-z]{1,40}(?:\\[\\d{1,4}])?){0,8}");
    private static final Pattern POINTER = Pattern.compile("(?:/(?:[a-z][A-Za-z_]{0,39}|\\d{1,4})){1,8}");
    private static final Pattern CONSTANT = Pattern.compile("[A-Z][A-Z0-9]{0,30}(?:_[A-Z0-9]{1,30}){1,8}");
    private static final Pattern EXCEPTION_TYPE = Pattern.compile("(?:[A-Z][a-z]{1,20}|OAuth){1,4}(?:Exception|Error)");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,4}(?:-[a-z]{1,20})?");
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{Punct}–—]{1,4}");
    private static final Pattern LEADING = Pattern.compile("^[(\\[{#]*");
    private static final Pattern TRAILING = Pattern.compile("[.,;:!?)\\]}]*$");
    private static final Pattern SENTENCE_END = Pattern.compile("[.,;:!?]+$");
    private static final Pattern CLAUSE_END = Pattern.compile(".*[.:;!?)]");
    /**
     * A quote opens where no letter or digit stands before it (so the apostrophe of
     * {@code Conversion's} opens nothing) and closes where none follows.
     */
    private static final Pattern QUOTED = Pattern.compile(
            "(?<![\\p{L}\\p{N}])(?:'([^'\\n]{0,300})'|\"([^\"\\n]{0,300})\")(?![\\p{L}\\p{N}])");
    /** Numbers in a row, with the separators of phone numbers: kept apart only while they hold few digits. */
    private static final Pattern NUMBER_RUN = Pattern.compile("\\+?\\(?\\d[\\d ().+-]{4,}\\d\\)?");
    private static final int PHONE_DIGITS = 7;
    /** Stands in for a quoted string while the text is split; private use, so no platform sends it. */
    private static final char QUOTE_MARK = '\uE000';

    private PlatformText() {
    }

    /** {@code text} scrubbed: whitespace collapsed, every token not of a kept shape replaced. */
    public static String scrub(String text) {
        return scrub(text, Set.of());
    }

    /** As {@link #scrub(String)}, also keeping quoted names of {@code quotable} (fields the connector sends). */
    public static String scrub(String text, Set<String> quotable) {
        String s = phoneNumbers(text.replace(QUOTE_MARK, ' ').replaceAll("\\s+", " ").strip());
        List<String> quotes = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(s);
        StringBuilder marked = new StringBuilder();
        while (quoted.find()) {
            String inside = quoted.group(1) != null ? quoted.group(1) : quoted.group(2);
            quotes.add(isField(inside) || quotable.contains(inside) ? quoted.group() : QUOTED_REDACTED);
            quoted.appendReplacement(marked, Matcher.quoteReplacement(QUOTE_MARK + Integer.toString(quotes.size() - 1) + QUOTE_MARK));
        }
        quoted.appendTail(marked);
        StringJoiner out = new StringJoiner(" ");
        boolean clauseStart = true;
        for (String token : marked.toString().split(" ")) {
            if (token.isEmpty()) {
                continue;
            }
            String kept = token(token, clauseStart, quotes);
            // A redacted token keeps the punctuation that ends its sentence, so the text still reads.
            out.add(kept != null ? kept : REDACTED + sentenceEnd(token));
            // A number ends no sentence: "for user 12 Zorblaxina" names someone as much as without it.
            clauseStart = kept != null && (CLAUSE_END.matcher(kept).matches() || PUNCTUATION.matcher(kept).matches());
        }
        return out.toString();
    }

    /** {@code s} cut to {@code max} characters, with an ellipsis when cut. */
    public static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** The token as printed, or null when it may be a value. */
    private static String token(String token, boolean clauseStart, List<String> quotes) {
        if (PUNCTUATION.matcher(token).matches()) {
            // Bare punctuation only; a lone ':' next to digits cannot rebuild an address, as the digits go.
            return token;
        }
        Matcher lead = LEADING.matcher(token);
        lead.find();
        Matcher trail = TRAILING.matcher(token);
        trail.find();
        if (lead.end() >= trail.start()) {
            return null;
        }
        String core = token.substring(lead.end(), trail.start());
        String before = token.substring(0, lead.end());
        String after = token.substring(trail.start());
        if (core.length() > 2 && core.charAt(0) == QUOTE_MARK && core.charAt(core.length() - 1) == QUOTE_MARK) {
            String index = core.substring(1, core.length() - 1);
            return index.chars().allMatch(Character::isDigit) ? before + quotes.get(Integer.parseInt(index)) + after : null;
        }
        boolean kept = LOWER_WORD.matcher(core).matches()
                || isField(core)
                || POINTER.matcher(core).matches()
                || CONSTANT.matcher(core).matches()
                || KNOWN.contains(core)
                || EXCEPTION_TYPE.matcher(core).matches()
                || NUMBER.matcher(core).matches()
                || clauseStart && CAPITALISED.matcher(core).matches();
        return kept ? token : null;
    }

    /**
     * A field name has an {@code _} or an index: a bare dotted name is more likely a host
     * ({@code shop.example}) than a field, and a bare word in quotes more likely a value.
     */
    private static boolean isField(String s) {
        return FIELD.matcher(s).matches() && (s.indexOf('_') >= 0 || s.indexOf('[') >= 0);
    }

    private static String sentenceEnd(String token) {
        Matcher end = SENTENCE_END.matcher(token);
        return end.find() ? end.group() : "";
    }

    /** Runs of numbers that hold a phone number's worth of digits, replaced whole. */
    private static String phoneNumbers(String s) {
        Matcher run = NUMBER_RUN.matcher(s);
        StringBuilder out = new StringBuilder();
        while (run.find()) {
            long digits = run.group().chars().filter(Character::isDigit).count();
            run.appendReplacement(out, Matcher.quoteReplacement(digits >= PHONE_DIGITS ? REDACTED : run.group()));
        }
        run.appendTail(out);
        return out.toString();
    }
}
