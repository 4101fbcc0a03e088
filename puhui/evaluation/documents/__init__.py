"""What a report hands out, written from its figures snapshot alone: the Word document in the 公文 layout
(`word`), the Excel annex (`annex`) and the towns' map drawn as a PNG for the document (`townmap`)."""
