/**
 * Shared infrastructure, a leaf: the metrics publisher, JSON-P factories made once, error unwrapping, the worker
 * pool boundaries continue on. Depends on nothing of Tether's, only on the platform.
 */
package dev.tether.support;
