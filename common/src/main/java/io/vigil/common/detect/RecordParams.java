package io.vigil.common.detect;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and overrides the components of a hyperparameter record by name, so a properties file can
 * change any of them without a hand-written parser per detector.
 */
final class RecordParams {
  private RecordParams() {}

  static Map<String, Object> asMap(Record r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      try {
        m.put(c.getName(), c.getAccessor().invoke(r));
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  static <R extends Record> R with(R r, Map<String, String> overrides) {
    RecordComponent[] cs = r.getClass().getRecordComponents();
    Map<String, Object> values = asMap(r);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!values.containsKey(e.getKey())) {
        throw new IllegalArgumentException(
            "unknown hyperparameter '" + e.getKey() + "'; known: " + values.keySet());
      }
    }
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    for (int i = 0; i < cs.length; i++) {
      types[i] = cs[i].getType();
      String text = overrides.get(cs[i].getName());
      args[i] = text == null ? values.get(cs[i].getName()) : parse(cs[i], text.trim());
    }
    try {
      Constructor<?> ctor = r.getClass().getDeclaredConstructor(types);
      return (R) ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object parse(RecordComponent c, String text) {
    Class<?> t = c.getType();
    try {
      if (t == int.class) {
        return Integer.parseInt(text);
      }
      if (t == long.class) {
        return Long.parseLong(text);
      }
      if (t == double.class) {
        return Double.parseDouble(text);
      }
      if (t == boolean.class) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
          throw new IllegalArgumentException("not a boolean");
        }
        return Boolean.parseBoolean(text);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "hyperparameter '"
              + c.getName()
              + "' wants a "
              + t.getSimpleName()
              + ", got '"
              + text
              + "'");
    }
    throw new IllegalArgumentException("unsupported hyperparameter type " + t);
  }
}
