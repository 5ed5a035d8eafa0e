package dev.sluice.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One validated conversion event as the merchant sent it, before hashing.
 *
 * <p>It holds raw personal data in {@link #user()}; it lives only in memory during ingest and
 * is never stored, logged or rendered. {@link #toString()} names only non-personal fields.
 *
 * @param eventId        merchant's id; with {@code eventName} the deduplication key
 * @param eventName      standard or custom event name
 * @param eventTime      when the conversion happened
 * @param actionSource   where it happened
 * @param eventSourceUrl page URL, when the action source is a website
 * @param user           raw identifiers of the person (personal data)
 * @param custom         commerce data (value, currency, order id ...)
 * @param attribution    attribution hints such as {@code utm_source}, {@code campaign_id}, kept in key order
 * @param consent        consent signals as sent
 * @param destinations   requested subset of the tenant's destination ids; empty means all
 */
public record Event(String eventId,
                    String eventName,
                    Instant eventTime,
                    ActionSource actionSource,
                    Optional<String> eventSourceUrl,
                    UserData user,
                    CustomData custom,
                    Map<String, String> attribution,
                    ConsentSignals consent,
                    List<String> destinations) {

    public Event {
        attribution = SortedStrings.copyOf(attribution);
        destinations = List.copyOf(destinations);
    }

    @Override
    public String toString() {
        return "Event[eventId=" + eventId + ", eventName=" + eventName + ", eventTime=" + eventTime + "]";
    }
}
