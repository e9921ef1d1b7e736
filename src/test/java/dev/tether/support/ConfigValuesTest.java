package dev.tether.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    @Test
    void commaListsAreTrimmedAndEmptyItemsDropped() {
        assertEquals(List.of("a", "B c", "d"), ConfigValues.items(" a, ,B c ,,d,"));
        assertEquals(List.of(), ConfigValues.items(" , "));
        assertEquals(List.of(), ConfigValues.items(""));
    }

    @Test
    void normalizedItemsAreDistinctAndAnEmptySettingHasNone() {
        assertEquals(Set.of("https://a.example", "*"),
                ConfigValues.items("https://A.example, https://a.example ,*", s -> s.toLowerCase(Locale.ROOT)));
        assertEquals(Set.of(), ConfigValues.items("", s -> s));
    }
}
