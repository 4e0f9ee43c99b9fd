// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20Minimal {
    function balanceOf(address owner) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// @title Pair
/// @notice A Uniswap-V2-style constant-product pool over two ERC-20s with a
/// 0.3% fee, for the `amm` and `mixed` workloads: the same reserve packing,
/// K-invariant check, TWAP accumulators and reentrancy lock as V2's pair,
/// without LP shares or flash-swap callbacks.
/// @dev The workloads deploy the runtime code into a block's pre-state and
/// write its storage by hand, so the layout below is fixed:
///   slot 0: token0
///   slot 1: token1
///   slot 2: reserve0 (bits 0..111) | reserve1 (112..223) | blockTimestampLast (224..255)
///   slot 3: price0CumulativeLast
///   slot 4: price1CumulativeLast
///   slot 5: unlocked (1 when no call is in progress)
/// No constructor and no immutables: a constructor never runs.
contract Pair {
    address public token0;
    address public token1;

    uint112 private reserve0;
    uint112 private reserve1;
    uint32 private blockTimestampLast;

    uint256 public price0CumulativeLast;
    uint256 public price1CumulativeLast;

    uint256 private unlocked = 1;

    event Swap(
        address indexed sender,
        uint256 amount0In,
        uint256 amount1In,
        uint256 amount0Out,
        uint256 amount1Out,
        address indexed to
    );
    event Sync(uint112 reserve0, uint112 reserve1);

    modifier lock() {
        require(unlocked == 1, "Pair: locked");
        unlocked = 0;
        _;
        unlocked = 1;
    }

    function getReserves() public view returns (uint112 _reserve0, uint112 _reserve1, uint32 _blockTimestampLast) {
        _reserve0 = reserve0;
        _reserve1 = reserve1;
        _blockTimestampLast = blockTimestampLast;
    }

    /// The output for `amountIn` after the 0.3% fee (UniswapV2Library.getAmountOut).
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        require(amountIn > 0, "Pair: input");
        require(reserveIn > 0 && reserveOut > 0, "Pair: liquidity");
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
    }

    /// One self-contained swap, what a router does in one transaction: pull
    /// `amountIn` of `tokenIn` from the caller (who approved this pair), send
    /// at least `minOut` of the other token to `to`.
    function swapExactIn(address tokenIn, uint256 amountIn, uint256 minOut, address to)
        external
        lock
        returns (uint256 amountOut)
    {
        (uint112 r0, uint112 r1,) = getReserves();
        bool zeroForOne = tokenIn == token0;
        require(zeroForOne || tokenIn == token1, "Pair: token");
        amountOut = zeroForOne ? getAmountOut(amountIn, r0, r1) : getAmountOut(amountIn, r1, r0);
        require(amountOut >= minOut, "Pair: slippage");
        require(IERC20Minimal(tokenIn).transferFrom(msg.sender, address(this), amountIn), "Pair: transferFrom");
        if (zeroForOne) _swap(0, amountOut, to, r0, r1);
        else _swap(amountOut, 0, to, r0, r1);
    }

    /// V2's low-level swap: the caller has sent the input tokens already.
    function swap(uint256 amount0Out, uint256 amount1Out, address to) external lock {
        (uint112 r0, uint112 r1,) = getReserves();
        _swap(amount0Out, amount1Out, to, r0, r1);
    }

    /// Brings the reserves up to the balances (V2's sync).
    function sync() external lock {
        _update(
            IERC20Minimal(token0).balanceOf(address(this)),
            IERC20Minimal(token1).balanceOf(address(this)),
            reserve0,
            reserve1
        );
    }

    function _swap(uint256 amount0Out, uint256 amount1Out, address to, uint112 r0, uint112 r1) private {
        require(amount0Out > 0 || amount1Out > 0, "Pair: output");
        require(amount0Out < r0 && amount1Out < r1, "Pair: liquidity");
        _sendOut(amount0Out, amount1Out, to);
        (uint256 amount0In, uint256 amount1In) = _settle(amount0Out, amount1Out, r0, r1);
        emit Swap(msg.sender, amount0In, amount1In, amount0Out, amount1Out, to);
    }

    function _sendOut(uint256 amount0Out, uint256 amount1Out, address to) private {
        address t0 = token0;
        address t1 = token1;
        require(to != t0 && to != t1, "Pair: to");
        if (amount0Out > 0) require(IERC20Minimal(t0).transfer(to, amount0Out), "Pair: transfer");
        if (amount1Out > 0) require(IERC20Minimal(t1).transfer(to, amount1Out), "Pair: transfer");
    }

    /// Measures what came in from the balances, checks K, stores the reserves.
    function _settle(uint256 amount0Out, uint256 amount1Out, uint112 r0, uint112 r1)
        private
        returns (uint256 amount0In, uint256 amount1In)
    {
        uint256 balance0 = IERC20Minimal(token0).balanceOf(address(this));
        uint256 balance1 = IERC20Minimal(token1).balanceOf(address(this));
        amount0In = balance0 > r0 - amount0Out ? balance0 - (r0 - amount0Out) : 0;
        amount1In = balance1 > r1 - amount1Out ? balance1 - (r1 - amount1Out) : 0;
        require(amount0In > 0 || amount1In > 0, "Pair: input");
        // The K invariant with the 0.3% fee taken from the input side.
        uint256 balance0Adjusted = balance0 * 1000 - amount0In * 3;
        uint256 balance1Adjusted = balance1 * 1000 - amount1In * 3;
        require(balance0Adjusted * balance1Adjusted >= uint256(r0) * r1 * 1_000_000, "Pair: K");
        _update(balance0, balance1, r0, r1);
    }

    function _update(uint256 balance0, uint256 balance1, uint112 r0, uint112 r1) private {
        require(balance0 <= type(uint112).max && balance1 <= type(uint112).max, "Pair: overflow");
        uint32 blockTimestamp = uint32(block.timestamp);
        unchecked {
            // Wraps by design, as in V2: only differences of the accumulators matter.
            uint32 timeElapsed = blockTimestamp - blockTimestampLast;
            if (timeElapsed > 0 && r0 != 0 && r1 != 0) {
                price0CumulativeLast += ((uint256(r1) << 112) / r0) * timeElapsed;
                price1CumulativeLast += ((uint256(r0) << 112) / r1) * timeElapsed;
            }
        }
        reserve0 = uint112(balance0);
        reserve1 = uint112(balance1);
        blockTimestampLast = blockTimestamp;
        emit Sync(reserve0, reserve1);
    }
}
