"""What a student may type, in either language: answer words and the characters a short answer is folded by.

These are input vocabularies, not messages: they are what the graders accept (a student may answer a
true/false question with `t` or `对`), so they live here rather than in the message catalog.
"""

from __future__ import annotations

TRUE_WORDS = frozenset({"t", "true", "y", "yes", "1", "对", "是", "正确", "真", "√", "✓"})
FALSE_WORDS = frozenset({"f", "false", "n", "no", "0", "错", "否", "错误", "假", "×", "✗"})

# the key points a student says they made (explain items): every one, or none
ALL_WORDS = frozenset({"all", "a", "全部", "全"})
NONE_WORDS = frozenset({"none", "0", "-", "无", "没有"})

# common variant (traditional) characters of the course's terms -> the simplified form, in pairs
VARIANT_PAIRS = (
    "捲卷積积網网絡络經经層层數数殘残範范權权歸归優优遞递對对損损啟启發发學学習习機机標标準准確确陣阵閘闸門门"
    "記记憶忆長长時时間间隨随參参輸输連连並并線线單单計计擬拟過过強强訓训練练測测試试驗验證证與与個个為为種种"
    "徵征樣样規规則则減减動动態态後后傳传饋馈環环圖图識识別别檢检錨锚區区邏逻輯辑佈布於于擾扰雜杂訊讯聲声據据"
    "處处題题類类設设預预濾滤補补齊齐邊边緣缘觀观視视覺觉遺遗輕轻擴扩張张兩两異异雙双導导獨独熱热編编碼码實实"
    "際际臺台彙汇匯汇總总結结構构關关係系聯联極极衝冲適适應应圍围鬆松緩缓頻频復复"
)
