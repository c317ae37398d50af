# ruff: noqa: E501  (translation tables: one phrase per line reads better than wrapped strings)
"""Chinese for the worked steps: headings, notes, conventions and the words inside formulas.

Generators write English; `step_name` and `prose` translate whole phrases first, then the
remaining English fragments by pattern. Numbers and symbols are left as they are.
"""

from __future__ import annotations

import re

from dlquiz.i18n import register

_ZH: dict[str, str] = {
    "Effective kernel size": "有效卷积核大小",
    "Output size": "输出大小",
    "Output shape": "输出形状",
    "Same padding": "等宽填充",
    "Weights": "权重个数",
    "Biases": "偏置个数",
    "Parameters": "参数个数",
    "Output values": "输出数值个数",
    "Receptive field": "感受野",
    "Padded input": "填充后的输入",
    "Kernel": "卷积核",
    "Output": "输出",
    "Sum of outputs": "输出之和",
    "Inputs": "输入个数",
    "Shift by the maximum": "减去最大值",
    "Exponentials": "指数",
    "Sum of exponentials": "指数之和",
    "Probabilities": "概率",
    "Largest probability": "最大概率",
    "Loss": "损失",
    "Linear part": "线性部分",
    "Prediction": "预测值",
    "Gradient dz": "梯度 dz",
    "Gradient dw": "梯度 dw",
    "Gradient db": "梯度 db",
    "Updated weights": "更新后的权重",
    "Updated bias": "更新后的偏置",
    "Targets": "目标值",
    "Best straight line": "最佳直线",
    "Error of the line": "直线的误差",
    "New feature": "新特征",
    "Fit on the feature": "在新特征上拟合",
    "Error on the feature": "新特征上的误差",
    "Gradient": "梯度",
    "Value": "函数值",
    "Derivative": "导数",
    "Mean": "均值",
    "Variance": "方差",
    "Standard deviation": "标准差",
    "Normalised": "归一化",
    "Scale and shift": "缩放与平移",
    "Mask": "掩码",
    "Drop": "丢弃",
    "Scale": "放大",
    "Intersection": "交集",
    "Union": "并集",
    "IoU": "交并比",
    "Total": "总计",
    "Errors": "误差",
    "Squares": "平方",
    "Sum of squares": "平方和",
    "One-hot label": "独热标签",
    "One-sided": "单边差分",
    "Two-sided": "双边差分",
    "Exact": "精确值",
    "Bias correction": "偏差修正",
    "Start": "初始",
    "Iterations": "迭代次数",
    "Gradient check": "梯度检验",
    "Hidden layer": "隐藏层",
    "Result": "结果",
    "Discard low scores": "丢弃低分框",
    "Kept": "保留的框",
    "forget gate f": "遗忘门 f",
    "input gate i": "输入门 i",
    "candidate c̃": "候选状态 c̃",
    "output gate o": "输出门 o",
    "cell c": "细胞状态 c",
    "hidden h": "隐状态 h",
    "flatten": "展平",
}

_NUMBERED = [
    (re.compile(r"^Step (\d+)$"), r"第 \1 步"),
    (re.compile(r"^Epoch (\d+)$"), r"第 \1 轮"),
    (re.compile(r"^Layer (\d+)$"), r"第 \1 层"),
    (re.compile(r"^Update (\d+)$"), r"第 \1 次更新"),
    (re.compile(r"^Keep box (\d+)$"), r"保留框 \1"),
    (re.compile(r"^Iteration (\d+)$"), r"第 \1 次迭代"),
    (re.compile(r"^Decay (\d+)$"), r"权重衰减 \1"),
]

# whole notes and conventions
_PHRASES: dict[str, str] = {
    "least squares": "最小二乘",
    "cross-entropy loss, natural log": "交叉熵损失，自然对数",
    "y is linear in z: the feature, not a bigger model, fixed the fit": "y 关于 z 是线性的：是新特征而不是更大的模型解决了拟合问题",
    "no choice of slope and intercept removes it: the model is too simple (under-fitting)": "无论斜率和截距怎么取都消不掉：模型太简单（欠拟合）",
    "the σ′ factor cancels against the derivative of the log": "σ′ 因子与对数的导数相消",
    "XOR: a single linear split cannot do this; two can": "异或：一条直线分不开，两条可以",
    "an epoch without mistakes ends training": "一轮中没有分错的样本即停止训练",
    "divide by m, not m − 1": "除以 m，而不是 m − 1",
    "each kernel spans all c_in input channels and gives one output channel": "每个卷积核覆盖全部 c_in 个输入通道，产生一个输出通道",
    "every hidden unit connects to every input": "每个隐藏单元与每个输入相连",
    "every mini-batch is full": "每个小批量都是满的",
    "for y = 1 only −log ŷ remains; for y = 0 only −log(1 − ŷ)": "y = 1 时只剩 −log ŷ；y = 0 时只剩 −log(1 − ŷ)",
    "independent of the image size": "与图像大小无关",
    "keeps the expected activation unchanged, so nothing changes at test time": "保持激活值的期望不变，测试时无需改动",
    "linear output with ½ squared error": "线性输出配合 ½ 平方误差",
    "mean 0, variance 1": "均值 0，方差 1",
    "most parameters sit in the dense layers": "大部分参数在全连接层",
    "not asked for here": "本题不需要",
    "used": "采用",
    "one row per input (0,0), (0,1), (1,0), (1,1)": "每行对应一个输入 (0,0)、(0,1)、(1,0)、(1,1)",
    "only a product with f: gradients survive many steps when f ≈ 1": "只乘以 f：当 f ≈ 1 时梯度可以跨越很多步",
    "only the true class contributes": "只有真实类别起作用",
    "pooling has no learnable parameters": "池化层没有可学习的参数",
    "sigmoid output with cross-entropy": "sigmoid 输出配合交叉熵",
    "softmax(o) = softmax(o − c) for any constant c": "对任意常数 c，softmax(o) = softmax(o − c)",
    "the additive path": "加法通路",
    "the ½ cancels the 2 of the derivative": "½ 与求导得到的 2 相消",
    "they sum to 1": "它们的和为 1",
    "two-sided differences with ε = 1e-6; below 1e-7 means the backward pass is right": "双边差分，ε = 1e-6；小于 1e-7 说明反向传播正确",
    "w = np.random.randn(n_out, n_in) · std": "初始化时 w = np.random.randn(n_out, n_in) · std",
    "with stride 1 the output size equals n": "步幅为 1 时输出大小等于 n",
    # conventions
    "GELU exact (Φ = standard normal CDF); ReLU′(0) taken as 0": "GELU 取精确形式（Φ 为标准正态分布函数）；ReLU′(0) 取 0",
    "He: 2/n (suits ReLU)": "He 初始化：2/n（适合 ReLU）",
    "J = 1/(2m) Σ (a − y)² (course notes)": "J = 1/(2m) Σ (a − y)²（课程笔记）",
    "RMSprop: s = βs + (1 − β)g², w = w − αg/(√s + ε); the notes omit ε (erratum)": "RMSprop：s = βs + (1 − β)g²，w = w − αg/(√s + ε)；笔记漏了 ε（勘误）",
    "RMSprop with ε inside the root: w = w − αg/√(s + ε)": "RMSprop，ε 放在根号内：w = w − αg/√(s + ε)",
    "Var(w) = 1/n (note 004; suits tanh)": "Var(w) = 1/n（笔记 004；适合 tanh）",
    "W[l] is n[l] × n[l−1], b[l] is n[l] × 1": "W[l] 为 n[l] × n[l−1]，b[l] 为 n[l] × 1",
    "Xavier/Glorot: 2/(n_in + n_out)": "Xavier/Glorot 初始化：2/(n_in + n_out)",
    "batch statistics over the mini-batch, variance divided by m; applied before the activation": "在小批量上统计，方差除以 m；在激活函数之前进行",
    "boxes are numbered from 0; drop score ≤ threshold first, then repeatedly keep the best box and "
    "suppress those overlapping it with IoU > threshold (note 004)": "框从 0 开始编号；先丢弃得分 ≤ 阈值的框，再反复保留得分最高的框并抑制与它 IoU > 阈值的框（笔记 004）",
    "boxes as corners x1, y1, x2, y2": "框用角点 x1, y1, x2, y2 表示",
    "columns are samples: Z[l] is n[l] × m; dW = (1/m)·dZ·A_prevᵀ (note 004 omits the ᵀ)": "每列是一个样本：Z[l] 为 n[l] × m；dW = (1/m)·dZ·A_prevᵀ（笔记 004 漏了 ᵀ）",
    "cross-correlation: the kernel is not flipped (what CNN layers compute)": "互相关：卷积核不翻转（CNN 层实际计算的就是它）",
    "d2l's LeNet-5: sigmoid, average pooling, one grey input channel, biases counted": "d2l 中的 LeNet-5：sigmoid、平均池化、单个灰度输入通道，计入偏置",
    "fₜ = σ(W_f hₜ₋₁ + U_f xₜ + b_f), …, cₜ = fₜ cₜ₋₁ + iₜ c̃ₜ, hₜ = oₜ tanh(cₜ) (note 000)": "fₜ = σ(W_f hₜ₋₁ + U_f xₜ + b_f)，…，cₜ = fₜ cₜ₋₁ + iₜ c̃ₜ，hₜ = oₜ tanh(cₜ)（笔记 000）",
    "inverted dropout: a = a ⊙ d / keep_prob during training only": "反向随机失活：仅在训练时 a = a ⊙ d / keep_prob",
    "momentum: v = βv + (1 − β)g, w = w − αv (course notes)": "动量：v = βv + (1 − β)g，w = w − αv（课程笔记）",
    "momentum: v = βv + g, w = w − αv (framework form, e.g. PyTorch SGD)": "动量：v = βv + g，w = w − αv（框架写法，如 PyTorch SGD）",
    "natural log": "自然对数",
    "natural log; y is a 0-based class index": "自然对数；y 为从 0 开始的类别编号",
    "natural log; y is a 0-based class index (one-hot label)": "自然对数；y 为从 0 开始的类别编号（独热标签）",
    "r_l = r_(l−1) + (k_l − 1)·∏ strides of the earlier layers; r_0 = 1": "r_l = r_(l−1) + (k_l − 1)·前面各层步幅之积；r_0 = 1",
    "sign(⟨w, x⟩ + b); on a mistake w ← w + η·y·x, b ← b + η·y (note 001, η = 1)": "sign(⟨w, x⟩ + b)；分错时 w ← w + η·y·x，b ← b + η·y（笔记 001，η = 1）",
    "single-tower AlexNet, 3 input channels; the 3×3 convolutions have 384, 384, 256 kernels "
    "(note 001 lists 384 three times: an erratum)": "单塔 AlexNet，3 个输入通道；三个 3×3 卷积层分别有 384、384、256 个卷积核（笔记 001 写成三个 384：勘误）",
    "sₜ = U xₜ + W hₜ₋₁, hₜ = f(sₜ), oₜ = σ(V hₜ), Lₜ = cross-entropy, h₀ = 0 (note 000; a sigmoid output "
    "stands in for softmax with one output)": "sₜ = U xₜ + W hₜ₋₁，hₜ = f(sₜ)，oₜ = σ(V hₜ)，Lₜ 为交叉熵，h₀ = 0（笔记 000；单输出时用 sigmoid 代替 softmax）",
    "t is the mini-batch (iteration) number (note 004 calls it the sample count: an erratum)": "t 是小批量（迭代）序号（笔记 004 说成样本数：勘误）",
    "v₀ = 0; vₜ = βvₜ₋₁ + (1 − β)θₜ (course notes)": "v₀ = 0；vₜ = βvₜ₋₁ + (1 − β)θₜ（课程笔记）",
    "weights only, as in note 001's 12-megapixel example (3.6 B); biases add one per hidden unit": "只计权重，与笔记 001 的 1200 万像素例子（36 亿）一致；偏置每个隐藏单元再加一个",
}

# English fragments inside notes and formulas (applied in order)
_FRAGMENTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"(\d+) hole\(s\) between neighbouring kernel elements", r"相邻卷积核元素之间插入 \1 个空洞"),
        (r"^last step, nothing flows back from a later step; ", "最后一步，没有后面时间步传回的梯度；"),
        (r"adds (δ\d+)·(h\d+)ᵀ to dW and (δ\d+)·(x\d+) to dU", r"dW 加上 \1·\2ᵀ，dU 加上 \3·\4"),
        (r"^error (\S+): O\(ε\)$", r"误差 \1：O(ε)"),
        (r"^error (\S+): O\(ε²\)$", r"误差 \1：O(ε²)"),
        (r"jump \(input pixels between neighbouring outputs\) becomes", "跳距（相邻输出在输入上相隔的像素）变为"),
        (r"only the true class (\d+) gets ŷ − 1", r"只有真实类别 \1 取 ŷ − 1"),
        (r"^true class y = (\d+): ", r"真实类别 y = \1："),
        (r"^class (\d+) has the largest score$", r"类别 \1 的分数最大"),
        (r"^classes ([\d, ]+) share the largest score$", r"类别 \1 的分数并列最大"),
        (r"the last mini-batch holds (\d+) samples", r"最后一个小批量有 \1 个样本"),
        (r"stopped after (\d+) epochs", r"\1 轮后停止"),
        (r"add (\d+) ring\(s\) of zeros", r"外圈补 \1 圈 0"),
        (r"^edge kernel \(note 001\)", "边缘检测卷积核（笔记 001）"),
        (r"^sharpen kernel \(note 001\)", "锐化卷积核（笔记 001）"),
        (r"^blur kernel \(note 001\)", "高斯模糊卷积核（笔记 001）"),
        (r"(\w+) kernel \(note 001\)", r"\1 卷积核（笔记 001）"),
        (r"^given kernel$", "给定的卷积核"),
        (r"slide the kernel, multiply element-wise, add", "滑动卷积核，逐元素相乘再相加"),
        (r"max pooling (\d+)×(\d+), stride (\d+)", r"最大池化 \1×\2，步幅 \3"),
        (r"avg pooling (\d+)×(\d+), stride (\d+)", r"平均池化 \1×\2，步幅 \3"),
        (r"(\d+)×(\d+) conv, (\d+) kernels, pad (\d+), stride (\d+)", r"\1×\2 卷积，\3 个卷积核，填充 \4，步幅 \5"),
        (r"(\d+)×(\d+) max pool, stride (\d+)", r"\1×\2 最大池化，步幅 \3"),
        (r"(\d+)×(\d+) avg pool, stride (\d+)", r"\1×\2 平均池化，步幅 \3"),
        (r"^(W\[\d+\]) is (\d+×\d+ = \d+), (b\[\d+\]) is ", r"\1 为 \2，\3 为 "),
        (r"\(k − 1\)·jump", "(k − 1)·跳距"),
        (r" \(OR\), ", "（或），"),
        (r" \(AND\)$", "（与）"),
        (r"; no parameters", "；无参数"),
        (r"; params ", "；参数 "),
        (r"^dense (\d+) → (\d+)", r"全连接 \1 → \2"),
        (r"^conv (\d+) \+ dense (\d+)", r"卷积 \1 + 全连接 \2"),
        (r"pixels × (\d+) channels", r"像素 × \1 个通道"),
        (r"inputs × (\d+) hidden units", r"个输入 × \1 个隐藏单元"),
        (r"one per kernel", "每个卷积核一个"),
        (r"^no biases: 0$", "无偏置：0"),
        (r"given gradients", "给定的梯度"),
        (r"dᵢ = 1 with probability", "dᵢ 以如下概率取 1："),
        (r"inputs, (\d+)×(\d+) \(one column per sample\)", r"输入，\1×\2（每列一个样本）"),
        (r"^labels, ", "标签，"),
        (r" over the batch", "（对批量求和）"),
        (r"w = 0, b = 0; visit the samples in order; update when", "w = 0，b = 0；按顺序遍历样本；当"),
        (r"^w = (.+), b = (\S+); visit the samples in order; update when", r"w = \1，b = \2；按顺序遍历样本；当"),
        (r"≤ 0$", "≤ 0 时更新"),
        (r"epoch (\d+), sample (\d+)", r"第 \1 轮，样本 \2"),
        (r" misclassified:", " 分错："),
        (r"^converged after (\d+) updates", r"经过 \1 次更新后收敛"),
        (r"^not converged after (\d+) updates", r"\1 次更新后仍未收敛"),
        (r"highest score", "最高得分"),
        (r"no boxes left to compare", "没有剩余的框可比较"),
        (r"suppressed", "被抑制"),
        (r"score ≤ ([\d.]+): boxes", r"得分 ≤ \1 的框："),
        (r"^boxes ", "框 "),
        (r"\bnone\b", "无"),
        (r"^width (.*), height (\S+); area (\S+)$", r"宽 \1，高 \2；面积 \3"),
        (r"^weights (\d+) \+ biases (\d+)", r"权重 \1 + 偏置 \2"),
        (r"(\S+) if x > 0 else (\S+)", r"x > 0 时为 \1，否则为 \2"),
        (
            r"^Adam: m = β₁m \+ \(1 − β₁\)g, v = β₂v \+ \(1 − β₂\)g², bias-corrected m̂, v̂; ",
            "Adam：m = β₁m + (1 − β₁)g，v = β₂v + (1 − β₂)g²，偏差修正得 m̂、v̂；",
        ),
        (r" \(the notes write √s without the correction: an erratum\)$", "（笔记写成未修正的 √s：勘误）"),
        (r" for f = ", "，f = "),
        (r" at θ = ", "，θ = "),
        (r" at x = ", "，x = "),
    ]
]


# when a parameter applies (ParamSpec.applies), for the Chinese --params table
_PHRASES.update(
    {
        "when labels are given": "给出标签时使用",
        "when no confusion matrix cm is given": "未给出混淆矩阵 cm 时使用",
        "when no mask is given": "未给出掩码时使用",
        "when no target is given": "未给出 target 时使用",
        "when o is a matrix": "o 为矩阵时使用",
        "when p is a vector": "p 为向量时使用",
        "when scores are given": "给出 scores 时使用",
        "with fn=gelu": "仅用于 fn=gelu",
        "with fn=leaky_relu, prelu or elu": "仅用于 fn=leaky_relu、prelu 或 elu",
        "with fn=swish": "仅用于 fn=swish",
        "with mode=binary and several samples": "仅用于 mode=binary 且有多个样本时",
        "with scheme=xavier": "仅用于 scheme=xavier",
        "with two classes": "仅用于二分类",
    }
)


def step_name(name: str, lang: str) -> str:
    """The heading of a step in `lang` (falls back to English)."""
    if lang != "zh":
        return name
    if name in _ZH:
        return _ZH[name]
    for pat, repl in _NUMBERED:
        if pat.match(name):
            return pat.sub(repl, name)
    return name


def prose(text: str, lang: str) -> str:
    """A note, a convention or a formula in `lang`: whole phrases, then known fragments."""
    if lang != "zh" or not text:
        return text
    if text in _PHRASES:
        return _PHRASES[text]
    for pat, repl in _FRAGMENTS:
        text = pat.sub(repl, text)
    return text


def add_chinese(
    names: dict[str, str] | None = None,
    phrases: dict[str, str] | None = None,
    fragments: list[tuple[str, str]] | None = None,
) -> None:
    """Let a generator module keep its own Chinese: step names, whole phrases, and fragment patterns
    (applied after the ones above, in the order given)."""
    _ZH.update(names or {})
    _PHRASES.update(phrases or {})
    _FRAGMENTS.extend((re.compile(p), r) for p, r in fragments or [])
    register({**(names or {}), **(phrases or {})})  # the one catalog: dlquiz.i18n.t knows them too


register({**_ZH, **_PHRASES})
