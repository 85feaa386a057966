# XLSForm in and out: a workbook read by pyxform becomes our questionnaire; ours is written for pyxform.
