"""A batch's uniform and Poisson draws from each replicate's own generator, in one compiled call each.

A batch of R replicates draws replicate by replicate, each from its own generator (model/replicates.py).
Called from Python that is R calls per draw site, about 13 sites a month, each costing about 1.2 us besides
its numbers. Here one compiled loop makes every replicate's numbers on that replicate's generator state, so
replicate r receives exactly the numbers ``rngs[r].random(k)`` (or ``rngs[r].poisson(mean)``) would give, in
the same order, and its generator moves on exactly as far (``tests/model/test_streams.py``); draws made from
Python before or after (``binomial``, ``integers``) interleave with them as they would.

For NumPy's default bit generator, PCG64 (what ``np.random.default_rng`` makes), the loop runs its arithmetic
itself (:func:`pcg64_next_double`): the same 128-bit step, output permutation and conversion to a double, on the
same state in memory (2.8 ns a number; 5.2 ns through an indirect call per number, NumPy's own 3.8 ns). Any other
bit generator is called through the function NumPy's ``Generator.random`` calls, its ``next_double`` (NumPy's C
interface ``bit_generator.ctypes``). Poisson numbers follow NumPy's own method for means below 10
(:func:`poisson_each`).

The addresses are the process's own: :class:`Streams` reads them from the generators when first needed and is
never copied or pickled (a copy of an alliance reads its own generators' addresses again).
"""

from __future__ import annotations

import ctypes
import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def next_double(typingctx, fn, state):
    """``fn(state)``: the bit generator's next double in [0, 1), ``fn`` the address of its ``next_double`` and
    ``state`` the address of its state (what ``Generator.random`` calls for each number)."""
    sig = types.float64(types.uintp, types.uintp)

    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.DoubleType(), (context.get_value_type(types.uintp),))
        return builder.call(builder.inttoptr(args[0], fnty.as_pointer()), (args[1],))
    return sig, codegen


# PCG64's multiplier (O'Neill 2014, PCG_DEFAULT_MULTIPLIER_128 in NumPy's pcg64.h) and 2^-53
PCG64_MULTIPLIER = (2549297995355413924 << 64) + 4865540595714422341
TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0


@intrinsic
def pcg64_next_double(typingctx, state):
    """The next double in [0, 1) of a PCG64 generator, ``state`` the address of its NumPy state (a pointer to its
    128-bit state and increment): exactly NumPy's ``pcg64_next_double``. The state steps to
    state x multiplier + increment (mod 2^128); the output is the state's two halves XORed and rotated right by
    its top 6 bits (XSL-RR), whose top 53 bits x 2^-53 are the double."""
    sig = types.float64(types.uintp)

    def codegen(context, builder, signature, args):
        i64, i128 = ir.IntType(64), ir.IntType(128)
        held = builder.load(builder.inttoptr(args[0], i128.as_pointer().as_pointer()))  # pcg64_random_t *
        inc = builder.load(builder.gep(held, [ir.Constant(ir.IntType(32), 1)]))
        now = builder.add(builder.mul(builder.load(held), ir.Constant(i128, PCG64_MULTIPLIER)), inc)
        builder.store(now, held)
        x = builder.xor(builder.trunc(builder.lshr(now, ir.Constant(i128, 64)), i64), builder.trunc(now, i64))
        rot = builder.trunc(builder.lshr(now, ir.Constant(i128, 122)), i64)
        left = builder.and_(builder.neg(rot), ir.Constant(i64, 63))
        out = builder.or_(builder.lshr(x, rot), builder.shl(x, left))
        as_double = builder.uitofp(builder.lshr(out, ir.Constant(i64, 11)), ir.DoubleType())
        return builder.fmul(as_double, ir.Constant(ir.DoubleType(), TWO_TO_MINUS_53))
    return sig, codegen


@njit(cache=True, nogil=True)
def next_of(fn, state):
    """The next double of one replicate's generator: PCG64's arithmetic where ``fn`` is 0 (see the module)."""
    return pcg64_next_double(state) if fn == 0 else next_double(fn, state)


@njit(cache=True, nogil=True)
def draw_blocks(fn, states, starts, active, out):
    """Replicate r (where ``active[r]``) fills ``out[starts[r]:starts[r + 1]]`` from its generator, in order."""
    for r in range(len(states)):
        if active[r]:
            for i in range(starts[r], starts[r + 1]):
                out[i] = next_of(fn[r], states[r])


@njit(cache=True, nogil=True)
def draw_rows(fn, states, starts, out):
    """Replicate r fills its columns ``out[:, starts[r]:starts[r + 1]]`` row by row, as it draws a (rows, n_r)
    block alone."""
    for r in range(len(states)):
        for k in range(out.shape[0]):
            for i in range(starts[r], starts[r + 1]):
                out[k, i] = next_of(fn[r], states[r])


@njit(cache=True, nogil=True)
def poisson_each(fn, states, lam, out):
    """One Poisson draw per replicate r with mean ``lam[r]``, from its generator: NumPy's ``random_poisson``, which
    returns 0 for a mean of 0 without drawing and below 10 multiplies uniform draws until their product falls to
    e^-mean or below (Knuth's method), the count before that its number. -1 where the mean is 10 or more (NumPy's
    other method) or not a valid mean: drawn from Python (:meth:`model.replicates.Replicates.poisson`)."""
    for r in range(len(states)):
        m = lam[r]
        if m == 0.0:
            out[r] = 0
        elif 0.0 < m < 10.0:
            limit, x, product = math.exp(-m), 0, 1.0
            while True:
                product *= next_of(fn[r], states[r])
                if product > limit:
                    x += 1
                else:
                    break
            out[r] = x
        else:
            out[r] = -1


class Streams:
    """Where each replicate's generator keeps its state, and the function that draws from it (0 for PCG64, whose
    arithmetic the loops run themselves): addresses in this process, so a copy or a pickle of it is ``None`` (read
    again from the generators when next needed). It holds the generators it read (``rngs``), so no address
    outlives its generator."""

    __slots__ = ("rngs", "fn", "states")

    def __init__(self, rngs: list) -> None:
        self.rngs = tuple(rngs)
        interfaces = [g.bit_generator.ctypes for g in rngs]
        # the function pointers' values, read where they are kept (ctypes.cast would leave a reference cycle)
        self.fn = np.array([0 if type(g.bit_generator) is np.random.PCG64
                            else ctypes.c_void_p.from_address(ctypes.addressof(c.next_double)).value
                            for g, c in zip(rngs, interfaces)], dtype=np.uintp)
        self.states = np.array([c.state_address for c in interfaces], dtype=np.uintp)

    def __reduce__(self):  # copy.deepcopy and pickle: None, and the copy reads its own generators' addresses
        return type(None), ()
