package io.vigil.common.rules;

import java.util.Locale;

/** A comparison of a value against a rule's threshold, named as in {@code comparison_operator}. */
public enum ComparisonOperator {
  GT,
  GTE,
  LT,
  LTE,
  EQ,
  NE;

  /** True when {@code value <op> threshold} holds; NaN never satisfies any operator. */
  public boolean test(double value, double threshold) {
    if (Double.isNaN(value) || Double.isNaN(threshold)) {
      return false;
    }
    return switch (this) {
      case GT -> value > threshold;
      case GTE -> value >= threshold;
      case LT -> value < threshold;
      case LTE -> value <= threshold;
      case EQ -> Double.compare(value, threshold) == 0;
      case NE -> Double.compare(value, threshold) != 0;
    };
  }

  /** Parses {@code gt|gte|lt|lte|eq|ne} (also {@code > >= < <= == !=}). */
  public static ComparisonOperator parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case ">", "gt" -> GT;
      case ">=", "gte" -> GTE;
      case "<", "lt" -> LT;
      case "<=", "lte" -> LTE;
      case "==", "=", "eq" -> EQ;
      case "!=", "ne" -> NE;
      default ->
          throw new IllegalArgumentException(
              "unknown operator '" + s + "': use one of gt, gte, lt, lte, eq, ne");
    };
  }
}
