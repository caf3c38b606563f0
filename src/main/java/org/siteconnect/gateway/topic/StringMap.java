package org.siteconnect.gateway.topic;

import java.util.function.BiConsumer;

/**
 * A small open-addressing hash map from {@code String} to {@code V} for the matching hot path: keys and values sit
 * side by side in one array (no entry objects to chase), probing is linear, and a key's cached
 * {@code String.hashCode()} is compared before its characters. The load factor stays at or below one half, so a
 * lookup usually touches one array slot, the key and its characters. Removal shifts later entries back (no
 * tombstones), and the table shrinks as it empties, so churn leaves nothing behind. Not thread-safe.
 */
final class StringMap<V> {

  private static final int MIN_CAPACITY = 2;

  /** Key at {@code 2 * slot}, value at {@code 2 * slot + 1}. */
  private Object[] table = new Object[2 * MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  @SuppressWarnings("unchecked")
  V get(String key) {
    Object[] slots = table;
    int mask = (slots.length >> 1) - 1;
    int hash = key.hashCode();
    for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
      Object candidate = slots[slot << 1];
      if (candidate == null) {
        return null;
      }
      if (candidate == key || (candidate.hashCode() == hash && candidate.equals(key))) {
        return (V) slots[(slot << 1) + 1];
      }
    }
  }

  /** Stores {@code value} under {@code key}, replacing any previous value. */
  void put(String key, V value) {
    if (2 * (size + 1) > capacity()) {
      resize(capacity() * 2);
    }
    int slot = find(key);
    if (table[slot << 1] == null) {
      table[slot << 1] = key;
      size++;
    }
    table[(slot << 1) + 1] = value;
  }

  /** Removes {@code key}; false if it was absent. */
  boolean remove(String key) {
    int slot = find(key);
    if (table[slot << 1] == null) {
      return false;
    }
    deleteAndShiftBack(slot);
    size--;
    if (capacity() > MIN_CAPACITY && size * 8 < capacity()) {
      resize(capacity() / 2);
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<String, ? super V> action) {
    Object[] slots = table;
    for (int i = 0; i < slots.length; i += 2) {
      if (slots[i] != null) {
        action.accept((String) slots[i], (V) slots[i + 1]);
      }
    }
  }

  private int capacity() {
    return table.length >> 1;
  }

  /** The slot holding {@code key}, or the empty slot where it would go. */
  private int find(String key) {
    int mask = capacity() - 1;
    int hash = key.hashCode();
    int slot = spread(hash) & mask;
    while (table[slot << 1] != null && !table[slot << 1].equals(key)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Linear-probing deletion: move later entries of the same probe run back into the hole. */
  private void deleteAndShiftBack(int hole) {
    int mask = capacity() - 1;
    int slot = hole;
    while (true) {
      slot = (slot + 1) & mask;
      Object key = table[slot << 1];
      if (key == null) {
        break;
      }
      int home = spread(key.hashCode()) & mask;
      // move the entry at 'slot' into 'hole' unless its home lies cyclically in (hole, slot]
      boolean homeBetween = hole <= slot ? (hole < home && home <= slot) : (hole < home || home <= slot);
      if (!homeBetween) {
        table[hole << 1] = key;
        table[(hole << 1) + 1] = table[(slot << 1) + 1];
        hole = slot;
      }
    }
    table[hole << 1] = null;
    table[(hole << 1) + 1] = null;
  }

  private void resize(int newCapacity) {
    Object[] old = table;
    table = new Object[2 * Math.max(MIN_CAPACITY, newCapacity)];
    int mask = capacity() - 1;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != null) {
        int slot = spread(old[i].hashCode()) & mask;
        while (table[slot << 1] != null) {
          slot = (slot + 1) & mask;
        }
        table[slot << 1] = old[i];
        table[(slot << 1) + 1] = old[i + 1];
      }
    }
  }

  /** Mixes the high bits in, as {@link java.util.HashMap} does, so that similar strings spread out. */
  private static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
