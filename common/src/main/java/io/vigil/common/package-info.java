/** Pure Java building blocks of Vigil: model, codecs, detectors, rules and log mining. */
package io.vigil.common;
