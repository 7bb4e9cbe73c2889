//! Size-class arena (in progress).
