/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Force-included (KCFLAGS=-include) into a second gcov build of the
 * module that is never loaded: scripts/coverage.sh compares its branches,
 * line by line, with those of the build that runs.  On the debug kernel
 * every rcu_dereference(), rtnl_dereference() and ASSERT_RTNL() in our
 * files expands into conditions of the kernel's own checks (is lockdep
 * on, is the lock held, has it warned already) whose other outcome is
 * taken only when the kernel reports a bug; gcov counts them as the
 * line's branches, as it does UBSAN's checks of every bool it loads.
 * Here those checks expand to nothing (and coverage.sh builds this
 * without UBSAN), so what this build still has on a line are the
 * conditions written in src/.
 */
#ifndef TUNTAP_ASSERTIONS_OFF_H
#define TUNTAP_ASSERTIONS_OFF_H

/* main.c's, which would otherwise redefine printk.h's default. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>

#undef RCU_LOCKDEP_WARN
#define RCU_LOCKDEP_WARN(c, s) do { } while (0 && (c))
#undef lockdep_assert
#define lockdep_assert(c) do { } while (0 && (c))
#undef lockdep_assert_once
#define lockdep_assert_once(c) do { } while (0 && (c))
#undef ASSERT_RTNL
#define ASSERT_RTNL() do { } while (0)

/* The condition is still evaluated: its own branches are ours. */
#undef BUG_ON
#define BUG_ON(c) ((void)(c))
#undef WARN_ON
#define WARN_ON(c) ({ (void)(c); 0; })
#undef WARN_ON_ONCE
#define WARN_ON_ONCE(c) ({ (void)(c); 0; })
#undef WARN
#define WARN(c, format...) ({ (void)(c); 0; })
#undef WARN_ONCE
#define WARN_ONCE(c, format...) ({ (void)(c); 0; })

/*
 * Not checks but dispatches the compiler settles after gcov has counted
 * them: which of test_bit()'s two versions a constant bit number takes.
 */
#undef bitop
#define bitop(op, nr, addr) op(nr, addr)

#endif
