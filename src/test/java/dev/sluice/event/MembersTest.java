package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsed objects' member map behaves as the {@code LinkedHashMap} it stands in for. */
class MembersTest {

    @Test
    void keepsTheBodysOrderAndFindsMembersByEqualNotIdenticalNames() {
        Members members = new Members();
        for (int i = 0; i < 20; i++) {   // past the initial capacity
            assertNull(members.put("k" + i, IntNode.valueOf(i)));
        }
        assertEquals(20, members.size());
        List<String> names = new ArrayList<>(members.keySet());
        for (int i = 0; i < 20; i++) {
            assertEquals("k" + i, names.get(i));
            String lookup = new StringBuilder("k").append(i).toString();   // not the stored instance
            assertEquals(i, members.get(lookup).intValue());
            assertTrue(members.containsKey(lookup));
        }
        assertNull(members.get("k20"));
        assertNull(members.get(null));
        assertFalse(members.containsKey(7));
    }

    @Test
    void putOfANameAlreadyThereReturnsThePreviousValueInPlace() {
        // JsonBodyReader tells a duplicate key by this return value.
        Members members = new Members();
        members.put("a", TextNode.valueOf("1"));
        members.put("b", TextNode.valueOf("2"));
        JsonNode previous = members.put(new String("a"), TextNode.valueOf("3"));
        assertEquals("1", previous.asText());
        assertEquals(List.of("a", "b"), new ArrayList<>(members.keySet()));
        assertEquals("3", members.get("a").asText());
        assertEquals(2, members.size());
    }

    /** With 80 names the map spends most steps past {@link Members#INDEXED_FROM}, through its hash index. */
    @ParameterizedTest
    @ValueSource(ints = {24, 80})
    void agreesWithLinkedHashMapUnderRandomEdits(int names) {
        Random random = new Random(32);
        Members members = new Members();
        Map<String, JsonNode> reference = new LinkedHashMap<>();
        for (int step = 0; step < 5_000; step++) {
            String name = "n" + random.nextInt(names);
            switch (random.nextInt(6)) {
                case 0, 1, 2 -> {
                    JsonNode value = IntNode.valueOf(step);
                    assertEquals(reference.put(name, value), members.put(name, value));
                }
                case 3 -> assertEquals(reference.remove(name), members.remove(name));
                case 4 -> {
                    Iterator<Map.Entry<String, JsonNode>> r = reference.entrySet().iterator();
                    Iterator<Map.Entry<String, JsonNode>> m = members.entrySet().iterator();
                    while (r.hasNext()) {
                        Map.Entry<String, JsonNode> expected = r.next();
                        Map.Entry<String, JsonNode> actual = m.next();
                        assertEquals(expected, actual);
                        assertEquals(expected.hashCode(), actual.hashCode());
                        if (random.nextInt(5) == 0) {
                            r.remove();
                            m.remove();
                        } else if (random.nextInt(7) == 0) {
                            JsonNode value = IntNode.valueOf(-step);
                            assertEquals(expected.setValue(value), actual.setValue(value));
                        }
                    }
                    assertFalse(m.hasNext());
                }
                default -> {
                    if (random.nextInt(50) == 0) {
                        reference.clear();
                        members.clear();
                    }
                }
            }
            assertEquals(reference, members);
            assertEquals(members, reference);
            assertEquals(reference.hashCode(), members.hashCode());
            assertEquals(new ArrayList<>(reference.keySet()), new ArrayList<>(members.keySet()));
        }
    }

    @Test
    void iteratorsRefuseToRunOnAfterTheMapChangedUnderThem() {
        Members members = new Members();
        members.put("a", IntNode.valueOf(1));
        members.put("b", IntNode.valueOf(2));
        Iterator<Map.Entry<String, JsonNode>> it = members.entrySet().iterator();
        it.next();
        members.put("c", IntNode.valueOf(3));
        assertThrows(ConcurrentModificationException.class, it::next);

        Iterator<Map.Entry<String, JsonNode>> fresh = members.entrySet().iterator();
        assertThrows(IllegalStateException.class, fresh::remove);
        Map.Entry<String, JsonNode> first = fresh.next();
        fresh.remove();
        assertThrows(IllegalStateException.class, fresh::remove);
        assertEquals("a", first.getKey());
        assertSame(members.get("b"), fresh.next().getValue());
        assertEquals(List.of("b", "c"), new ArrayList<>(members.keySet()));
    }

    @Test
    void aLargeObjectIsFoundAndCheckedForDuplicatesThroughItsIndex() {
        Members members = new Members();
        for (int i = 0; i < 1_000; i++) {
            assertNull(members.put("k" + i, IntNode.valueOf(i)));
        }
        assertEquals(456, members.get(new String("k456")).intValue());
        assertEquals(7, members.put(new String("k7"), IntNode.valueOf(-7)).intValue());
        assertEquals(10, members.remove("k10").intValue());
        // After a removal the members behind it moved up one place; the index follows.
        assertEquals(11, members.get("k11").intValue());
        assertEquals(999, members.get("k999").intValue());
        assertNull(members.get("k10"));
        assertNull(members.put("k10", IntNode.valueOf(10)));
        assertEquals("k10", new ArrayList<>(members.keySet()).get(999));
        assertEquals(1_000, members.size());
    }

    @Test
    void refusesNullNames() {
        assertThrows(NullPointerException.class, () -> new Members().put(null, IntNode.valueOf(1)));
    }
}
