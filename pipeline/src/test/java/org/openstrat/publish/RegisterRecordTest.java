package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.openstrat.cohort.Register;
import org.openstrat.features.Features;
import org.openstrat.testing.SparkTestBase;

/** The register's published schema, its columns and its plain-English labels agree (no Spark). */
class RegisterRecordTest {

  @Test
  void theDocumentedSchemaIsTheOneWrittenAndHoldsEveryRegisterColumn() throws Exception {
    Schema docs = new Schema.Parser().parse(SparkTestBase.repoRoot().resolve("docs/register-record.avsc").toFile());
    assertThat(AvroRecords.REGISTER).isEqualTo(docs);
    Set<String> fields = new TreeSet<>();
    docs.getFields().forEach(f -> fields.add(f.name()));
    Set<String> expected = new TreeSet<>(Register.ROW);
    expected.addAll(List.of("as_of", "window_start"));
    assertThat(fields).isEqualTo(expected);
    // The CSV has the headers the publish check reads back.
    assertThat(RegisterFiles.LAYOUT.headers())
        .contains(CohortFiles.PRACTICE_HEADER, CohortFiles.PCN_HEADER, CohortFiles.ICC_HEADER);
  }

  @Test
  void everyEmergencyAdmissionMethodHasAPlainEnglishLabel() throws Exception {
    // rules/reference/admission-methods.csv: the NHS Data Dictionary's codes (code,group,emergency,...)
    List<String> emergency = new ArrayList<>();
    for (String line : Files.readAllLines(SparkTestBase.repoRoot().resolve("rules/reference/admission-methods.csv"))) {
      String[] f = line.split(",", 4);
      if (f.length == 4 && f[2].equals("Y")) {
        emergency.add(f[0]);
      }
    }
    assertThat(emergency).containsExactlyInAnyOrderElementsOf(Features.EMERGENCY_METHODS);
    for (String code : emergency) {
      assertThat(RegisterFiles.admissionMethod(code)).as(code).startsWith("Emergency: ");
    }
    for (String code : List.of("01", "02", "03", "04", "05")) {
      assertThat(RegisterFiles.department(code)).as(code).startsWith("Type ");
    }
  }
}
