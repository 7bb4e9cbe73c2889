//! Iterators of a [`Pool`]: [`Iter`], [`IterMut`] and [`Drain`].

use core::fmt;
use core::marker::PhantomData;

use super::{Handle, Pool, PoolKey};

impl<'a, T, K: PoolKey> IntoIterator for &'a Pool<T, K> {
    type Item = (K, &'a T);
    type IntoIter = Iter<'a, T, K>;

    fn into_iter(self) -> Iter<'a, T, K> {
        self.iter()
    }
}

/// Iterator of [`Pool::iter`].
///
/// ```
/// let mut pool = lake::Pool::new();
/// let h = pool.insert('x');
/// assert_eq!(pool.iter().next(), Some((h, &'x')));
/// ```
pub struct Iter<'a, T, K = Handle> {
    pub(super) pool: &'a Pool<T, K>,
    pub(super) next: usize,
}

impl<'a, T, K: PoolKey> Iterator for Iter<'a, T, K> {
    type Item = (K, &'a T);

    fn next(&mut self) -> Option<Self::Item> {
        let (index, slot) = self.pool.next_occupied(&mut self.next)?;
        let handle = self.pool.handle(index, slot.generation.get());
        // SAFETY: as in `Pool::get`: initialised, and not mutated while `&'a Pool` lives.
        Some((handle, unsafe { &*slot.value_ptr() }))
    }
}

impl<T, K: PoolKey> fmt::Debug for Iter<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter").field("next", &self.next).finish()
    }
}

/// Iterator of [`Pool::iter_mut`].
///
/// ```
/// let mut pool = lake::Pool::new();
/// pool.insert(1);
/// for (_, v) in pool.iter_mut() { *v = 2; }
/// assert_eq!(pool.iter().next().unwrap().1, &2);
/// ```
pub struct IterMut<'a, T, K = Handle> {
    pub(super) pool: &'a Pool<T, K>,
    pub(super) next: usize,
    pub(super) _values: PhantomData<&'a mut T>,
}

impl<'a, T, K: PoolKey> Iterator for IterMut<'a, T, K> {
    type Item = (K, &'a mut T);

    fn next(&mut self) -> Option<Self::Item> {
        let (index, slot) = self.pool.next_occupied(&mut self.next)?;
        let handle = self.pool.handle(index, slot.generation.get());
        // SAFETY: initialised (OCCUPIED); `IterMut` was made from `&'a mut Pool`, so nothing
        // else reaches the pool for `'a`, and each slot is yielded once (`next` only grows).
        Some((handle, unsafe { &mut *slot.value_ptr() }))
    }
}

impl<T, K: PoolKey> fmt::Debug for IterMut<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IterMut").field("next", &self.next).finish()
    }
}

/// Iterator of [`Pool::drain`].
///
/// ```
/// let mut pool = lake::Pool::new();
/// pool.insert(1);
/// drop(pool.drain()); // drops what was not yielded
/// assert!(pool.is_empty());
/// ```
pub struct Drain<'a, T, K: PoolKey = Handle> {
    pub(super) pool: &'a mut Pool<T, K>,
    pub(super) next: usize,
}

impl<T, K: PoolKey> Iterator for Drain<'_, T, K> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let (index, slot) = self.pool.next_occupied(&mut self.next)?;
        // SAFETY: OCCUPIED (`next_occupied`), and the drain holds `&mut Pool`, so nothing else
        // refers to the value.
        Some(unsafe { self.pool.take_occupied(index, slot) })
    }
}

impl<T, K: PoolKey> Drop for Drain<'_, T, K> {
    fn drop(&mut self) {
        // If a value's `Drop` panics, the rest stay in the pool (still consistent).
        for value in self.by_ref() {
            drop(value);
        }
    }
}

impl<T, K: PoolKey> fmt::Debug for Drain<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drain").field("next", &self.next).finish()
    }
}
