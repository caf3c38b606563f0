package org.siteconnect.gateway.topic;

import java.util.function.BiConsumer;

/**
 * A small open-addressing hash map from {@code String} to {@code V} for the matching hot path: keys and values sit
 * side by side in one array (no entry objects to chase), probing is linear, and a key's cached
 * {@code String.hashCode()} is compared before its characters. The load factor stays at or below one half, so a
 * lookup usually touches one array slot, the key and its characters. Removal shifts later entries back (no
 * tombstones), and the table shrinks as it empties and is dropped when empty, so churn leaves nothing behind.
 * Not final: a trie node <em>is</em> the map of its children, which saves the hot path one object to chase.
 * Not thread-safe.
 */
class StringMap<V> {

  private static final int MIN_CAPACITY = 2;
  private static final Object[] NO_TABLE = {};

  /** Key at {@code 2 * slot}, value at {@code 2 * slot + 1}; {@link #NO_TABLE} while empty. */
  private Object[] table = NO_TABLE;

  private int size;

  final int size() {
    return size;
  }

  final boolean isEmpty() {
    return size == 0;
  }

  @SuppressWarnings("unchecked")
  final V get(String key) {
    if (size == 0) {
      return null;
    }
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
  final void put(String key, V value) {
    if (2 * (size + 1) > capacity()) {
      resize(Math.max(MIN_CAPACITY, capacity() * 2));
    }
    int slot = find(key);
    if (table[slot << 1] == null) {
      table[slot << 1] = key;
      size++;
    }
    table[(slot << 1) + 1] = value;
  }

  /** Removes {@code key}; false if it was absent. */
  final boolean remove(String key) {
    if (size == 0) {
      return false;
    }
    int slot = find(key);
    if (table[slot << 1] == null) {
      return false;
    }
    deleteAndShiftBack(slot);
    size--;
    if (size == 0) {
      table = NO_TABLE;
    } else if (capacity() > MIN_CAPACITY && size * 8 < capacity()) {
      resize(capacity() / 2);
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  final void forEach(BiConsumer<String, ? super V> action) {
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
      boolean homeBetween =
          hole <= slot ? (hole < home && home <= slot) : (hole < home || home <= slot);
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
    table = new Object[2 * newCapacity];
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
