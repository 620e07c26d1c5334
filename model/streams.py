"""Uniform draws for a batch from each replicate's own generator, in one compiled call.

A batch of R replicates draws its uniform numbers replicate by replicate, each from its own generator
(model/replicates.py). Called from Python that is R calls per draw site, about 13 sites a month, each call
costing about 1.2 us besides its numbers (measured for 381 numbers: 2.3 us a call, 1.3 us here). Here one compiled loop calls, for each number, the very function NumPy's
``Generator.random`` calls: the bit generator's ``next_double`` (NumPy's C interface ``bit_generator.ctypes``),
on that replicate's generator state. So replicate r receives exactly the numbers ``rngs[r].random(k)`` would
give, in the same order, and its generator moves on exactly as far (``tests/model/test_streams.py``); draws
made from Python before or after (``poisson``, ``binomial``, ``random``) interleave with them as they would.

The addresses are the process's own: :class:`Streams` reads them from the generators when first needed and is
never copied or pickled (a copy of an alliance reads its own generators' addresses again).
"""

from __future__ import annotations

import ctypes

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


@njit(cache=True, nogil=True)
def draw_blocks(fn, states, starts, active, out):
    """Replicate r (where ``active[r]``) fills ``out[starts[r]:starts[r + 1]]`` from its generator, in order."""
    for r in range(len(states)):
        if active[r]:
            for i in range(starts[r], starts[r + 1]):
                out[i] = next_double(fn[r], states[r])


@njit(cache=True, nogil=True)
def draw_rows(fn, states, starts, out):
    """Replicate r fills its columns ``out[:, starts[r]:starts[r + 1]]`` row by row, as it draws a (rows, n_r)
    block alone."""
    for r in range(len(states)):
        for k in range(out.shape[0]):
            for i in range(starts[r], starts[r + 1]):
                out[k, i] = next_double(fn[r], states[r])


class Streams:
    """Where each replicate's generator keeps its state, and the function that draws from it: addresses in this
    process, so a copy or a pickle of it is ``None`` (read again from the generators when next needed). It holds
    the generators it read (``rngs``), so no address outlives its generator."""

    __slots__ = ("rngs", "fn", "states")

    def __init__(self, rngs: list) -> None:
        self.rngs = tuple(rngs)
        interfaces = [g.bit_generator.ctypes for g in rngs]
        # the function pointers' values, read where they are kept (ctypes.cast would leave a reference cycle)
        self.fn = np.array([ctypes.c_void_p.from_address(ctypes.addressof(c.next_double)).value for c in interfaces],
                           dtype=np.uintp)
        self.states = np.array([c.state_address for c in interfaces], dtype=np.uintp)

    def __reduce__(self):  # copy.deepcopy and pickle: None, and the copy reads its own generators' addresses
        return type(None), ()
