//! `rand` with rand 0.4's API, for HumanEval-X's Rust problems.
//!
//! CodeGeeX's reference harness compiles HumanEval-X's Rust tests against rand = "0.4", and some
//! tests use its API (Rust/50: `rng.gen_range(b'a', b'z' + 1)`, two arguments; rand ≥ 0.8 takes a
//! range). rand 0.4's own source is not available offline (no crates.io; Debian only vendors rand
//! 0.8), so this is a COMPATIBILITY LAYER, not rand 0.4: the commonly used surface of 0.4's API
//! (`Rng` with `gen`, `gen_range(low, high)`, `gen_weighted_bool`, `gen_iter`, `gen_ascii_chars`,
//! `choose`, `choose_mut`, `shuffle`; `Rand`; `thread_rng`, `random`, `weak_rng`, `sample`; `StdRng`,
//! `XorShiftRng`, `OsRng`, `SeedableRng`; `distributions::{Range, Sample, IndependentSample}`)
//! implemented over rand 0.8's generators and samplers. The values drawn are not the ones rand 0.4
//! would draw for a given seed (except `XorShiftRng`, whose algorithm is 0.4's); tests that only
//! need random inputs behave the same.

use rand08::{Rng as _, RngCore as _, SeedableRng as _};
use std::marker::PhantomData;

/// Lets rand 0.8's samplers draw from any 0.4-style `Rng`.
struct Core<'a, R: Rng + ?Sized>(&'a mut R);

impl<'a, R: Rng + ?Sized> rand08::RngCore for Core<'a, R> {
    fn next_u32(&mut self) -> u32 { self.0.next_u32() }
    fn next_u64(&mut self) -> u64 { self.0.next_u64() }
    fn fill_bytes(&mut self, dest: &mut [u8]) { self.0.fill_bytes(dest) }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand08::Error> { self.0.fill_bytes(dest); Ok(()) }
}

/// A type that can be randomly generated (`rng.gen::<T>()`, `rand::random::<T>()`).
pub trait Rand: Sized {
    fn rand<R: Rng>(rng: &mut R) -> Self;
}

macro_rules! rand_standard {
    ($($t:ty),*) => { $(
        impl Rand for $t {
            #[inline]
            fn rand<R: Rng>(rng: &mut R) -> Self { Core(rng).gen::<$t>() }
        }
    )* };
}
rand_standard!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, bool, char);

impl Rand for () {
    fn rand<R: Rng>(_: &mut R) -> Self {}
}

macro_rules! rand_tuple {
    ($($t:ident),+) => {
        impl<$($t: Rand),+> Rand for ($($t,)+) {
            fn rand<R: Rng>(rng: &mut R) -> Self { ($($t::rand(rng),)+) }
        }
    };
}
rand_tuple!(A);
rand_tuple!(A, B);
rand_tuple!(A, B, C);
rand_tuple!(A, B, C, D);
rand_tuple!(A, B, C, D, E);
rand_tuple!(A, B, C, D, E, F);
rand_tuple!(A, B, C, D, E, F, G);
rand_tuple!(A, B, C, D, E, F, G, H);

impl<T: Rand, const N: usize> Rand for [T; N] {
    fn rand<R: Rng>(rng: &mut R) -> Self { std::array::from_fn(|_| T::rand(rng)) }
}

impl<T: Rand> Rand for Option<T> {
    fn rand<R: Rng>(rng: &mut R) -> Self { if rng.gen::<bool>() { Some(rng.gen()) } else { None } }
}

impl<T: Rand> Rand for Box<T> {
    fn rand<R: Rng>(rng: &mut R) -> Self { Box::new(rng.gen()) }
}

/// Types `gen_range` and `distributions::Range` can sample: the integers and floats.
pub trait SampleRange: PartialOrd + Copy {
    /// A value in [low, high); `low < high`.
    fn sample_range<R: Rng + ?Sized>(low: Self, high: Self, rng: &mut R) -> Self;
}

macro_rules! sample_range {
    ($($t:ty),*) => { $(
        impl SampleRange for $t {
            #[inline]
            fn sample_range<R: Rng + ?Sized>(low: Self, high: Self, rng: &mut R) -> Self { Core(rng).gen_range(low..high) }
        }
    )* };
}
sample_range!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);

/// rand 0.4's random number generator trait.
pub trait Rng {
    fn next_u32(&mut self) -> u32;

    fn next_u64(&mut self) -> u64 {
        ((self.next_u32() as u64) << 32) | (self.next_u32() as u64)
    }

    /// A float in [0, 1).
    fn next_f32(&mut self) -> f32 { Core(self).gen::<f32>() }

    /// A float in [0, 1).
    fn next_f64(&mut self) -> f64 { Core(self).gen::<f64>() }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }

    /// A random value of type `T`.
    fn gen<T: Rand>(&mut self) -> T where Self: Sized { T::rand(self) }

    /// An endless iterator of random values.
    fn gen_iter<T: Rand>(&mut self) -> Generator<'_, T, Self> where Self: Sized {
        Generator { rng: self, _marker: PhantomData }
    }

    /// A value in [low, high). Panics if `low >= high`.
    fn gen_range<T: PartialOrd + SampleRange>(&mut self, low: T, high: T) -> T where Self: Sized {
        assert!(low < high, "Rng.gen_range called with low >= high");
        T::sample_range(low, high, self)
    }

    /// True with probability 1/n (always true when n ≤ 1).
    fn gen_weighted_bool(&mut self, n: u32) -> bool where Self: Sized {
        n <= 1 || self.gen_range(0, n) == 0
    }

    /// An endless iterator of random ASCII letters and digits.
    fn gen_ascii_chars(&mut self) -> AsciiGenerator<'_, Self> where Self: Sized { AsciiGenerator { rng: self } }

    /// A random element of `values`, or None if it is empty.
    fn choose<'a, T>(&mut self, values: &'a [T]) -> Option<&'a T> where Self: Sized {
        if values.is_empty() { None } else { Some(&values[self.gen_range(0, values.len())]) }
    }

    fn choose_mut<'a, T>(&mut self, values: &'a mut [T]) -> Option<&'a mut T> where Self: Sized {
        if values.is_empty() { None } else { let i = self.gen_range(0, values.len()); Some(&mut values[i]) }
    }

    /// Shuffles `values` in place (Fisher–Yates).
    fn shuffle<T>(&mut self, values: &mut [T]) where Self: Sized {
        let mut i = values.len();
        while i >= 2 {
            i -= 1;
            values.swap(i, self.gen_range(0, i + 1));
        }
    }
}

impl<'a, R: Rng + ?Sized> Rng for &'a mut R {
    fn next_u32(&mut self) -> u32 { (**self).next_u32() }
    fn next_u64(&mut self) -> u64 { (**self).next_u64() }
    fn fill_bytes(&mut self, dest: &mut [u8]) { (**self).fill_bytes(dest) }
}

impl<R: Rng + ?Sized> Rng for Box<R> {
    fn next_u32(&mut self) -> u32 { (**self).next_u32() }
    fn next_u64(&mut self) -> u64 { (**self).next_u64() }
    fn fill_bytes(&mut self, dest: &mut [u8]) { (**self).fill_bytes(dest) }
}

pub struct Generator<'a, T, R: 'a> { rng: &'a mut R, _marker: PhantomData<fn() -> T> }

impl<'a, T: Rand, R: Rng> Iterator for Generator<'a, T, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> { Some(self.rng.gen()) }
}

pub struct AsciiGenerator<'a, R: 'a> { rng: &'a mut R }

impl<'a, R: Rng> Iterator for AsciiGenerator<'a, R> {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Some(*self.rng.choose(CHARS).unwrap() as char)
    }
}

/// rand 0.4's seedable generator trait (`StdRng::from_seed(&[1, 2, 3][..])`, `XorShiftRng::from_seed([1, 2, 3, 4])`).
pub trait SeedableRng<Seed>: Rng {
    fn reseed(&mut self, seed: Seed);
    fn from_seed(seed: Seed) -> Self;
}

/// The thread-local generator (`rand::thread_rng()`), over rand 0.8's.
#[derive(Clone, Debug)]
pub struct ThreadRng(rand08::rngs::ThreadRng);

impl Rng for ThreadRng {
    fn next_u32(&mut self) -> u32 { self.0.next_u32() }
    fn next_u64(&mut self) -> u64 { self.0.next_u64() }
    fn fill_bytes(&mut self, dest: &mut [u8]) { self.0.fill_bytes(dest) }
}

pub fn thread_rng() -> ThreadRng { ThreadRng(rand08::thread_rng()) }

/// A random value from the thread-local generator.
pub fn random<T: Rand>() -> T { thread_rng().gen() }

/// `amount` elements of `iterable`, sampled without replacement (reservoir sampling; order not specified).
pub fn sample<T, I: IntoIterator<Item = T>, R: Rng>(rng: &mut R, iterable: I, amount: usize) -> Vec<T> {
    let mut iter = iterable.into_iter();
    let mut reservoir: Vec<T> = iter.by_ref().take(amount).collect();
    for (i, elem) in iter.enumerate() {
        let k = rng.gen_range(0, i + 1 + amount);
        if let Some(spot) = reservoir.get_mut(k) { *spot = elem; }
    }
    reservoir
}

/// The standard generator (rand 0.8's StdRng, ChaCha12).
#[derive(Clone, Debug)]
pub struct StdRng(rand08::rngs::StdRng);

impl StdRng {
    /// Seeded from the operating system.
    pub fn new() -> std::io::Result<StdRng> { Ok(StdRng(rand08::rngs::StdRng::from_entropy())) }
}

impl Rng for StdRng {
    fn next_u32(&mut self) -> u32 { self.0.next_u32() }
    fn next_u64(&mut self) -> u64 { self.0.next_u64() }
    fn fill_bytes(&mut self, dest: &mut [u8]) { self.0.fill_bytes(dest) }
}

impl<'a> SeedableRng<&'a [usize]> for StdRng {
    fn reseed(&mut self, seed: &'a [usize]) { *self = Self::from_seed(seed); }
    fn from_seed(seed: &'a [usize]) -> StdRng {
        let mut bytes = [0u8; 32];
        for (i, s) in seed.iter().enumerate() {
            for (j, b) in (*s as u64).to_le_bytes().iter().enumerate() { bytes[(i * 8 + j) % 32] ^= b; }
        }
        StdRng(rand08::rngs::StdRng::from_seed(bytes))
    }
}

/// A generator seeded from the operating system.
#[derive(Debug)]
pub struct OsRng(rand08::rngs::OsRng);

impl OsRng {
    pub fn new() -> std::io::Result<OsRng> { Ok(OsRng(rand08::rngs::OsRng)) }
}

impl Rng for OsRng {
    fn next_u32(&mut self) -> u32 { self.0.next_u32() }
    fn next_u64(&mut self) -> u64 { self.0.next_u64() }
    fn fill_bytes(&mut self, dest: &mut [u8]) { self.0.fill_bytes(dest) }
}

/// Marsaglia's xorshift128, as in rand 0.4 (same sequence for the same seed).
#[derive(Clone, Debug)]
pub struct XorShiftRng { x: u32, y: u32, z: u32, w: u32 }

impl XorShiftRng {
    /// A fixed seed, as rand 0.4's `new_unseeded`.
    pub fn new_unseeded() -> XorShiftRng { XorShiftRng { x: 0x193a6754, y: 0xa8a7d469, z: 0x97830e05, w: 0x113ba7bb } }
}

impl Rng for XorShiftRng {
    fn next_u32(&mut self) -> u32 {
        let t = self.x ^ (self.x << 11);
        self.x = self.y; self.y = self.z; self.z = self.w;
        self.w = self.w ^ (self.w >> 19) ^ (t ^ (t >> 8));
        self.w
    }
}

impl SeedableRng<[u32; 4]> for XorShiftRng {
    fn reseed(&mut self, seed: [u32; 4]) { *self = Self::from_seed(seed); }
    /// Panics if the seed is all zeros, as rand 0.4's does.
    fn from_seed(seed: [u32; 4]) -> XorShiftRng {
        assert!(!seed.iter().all(|&x| x == 0), "XorShiftRng.from_seed called with an all zero seed.");
        XorShiftRng { x: seed[0], y: seed[1], z: seed[2], w: seed[3] }
    }
}

impl Rand for XorShiftRng {
    fn rand<R: Rng>(rng: &mut R) -> XorShiftRng {
        let mut seed: [u32; 4] = rng.gen();
        while seed.iter().all(|&x| x == 0) { seed = rng.gen(); }
        XorShiftRng::from_seed(seed)
    }
}

/// A fast generator seeded from the thread-local one (rand 0.4's `weak_rng`).
pub fn weak_rng() -> XorShiftRng { thread_rng().gen() }

pub mod distributions {
    //! rand 0.4's `Range` and its `Sample` / `IndependentSample` traits.
    use super::{Rng, SampleRange};

    pub trait Sample<Support> {
        fn sample<R: Rng>(&mut self, rng: &mut R) -> Support;
    }

    pub trait IndependentSample<Support>: Sample<Support> {
        fn ind_sample<R: Rng>(&self, rng: &mut R) -> Support;
    }

    /// Values uniformly in [low, high).
    #[derive(Clone, Copy, Debug)]
    pub struct Range<X> { low: X, high: X }

    impl<X: SampleRange + PartialOrd> Range<X> {
        /// Panics if `low >= high`.
        pub fn new(low: X, high: X) -> Range<X> {
            assert!(low < high, "Range::new called with `low >= high`");
            Range { low, high }
        }
    }

    impl<X: SampleRange> Sample<X> for Range<X> {
        fn sample<R: Rng>(&mut self, rng: &mut R) -> X { self.ind_sample(rng) }
    }

    impl<X: SampleRange> IndependentSample<X> for Range<X> {
        fn ind_sample<R: Rng>(&self, rng: &mut R) -> X { X::sample_range(self.low, self.high, rng) }
    }
}
