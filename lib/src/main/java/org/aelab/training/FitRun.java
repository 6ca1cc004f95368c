package org.aelab.training;

import ai.djl.Model;
import ai.djl.nn.Block;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.WeakHashMap;

import tech.tablesaw.api.Table;

/**
 * One run of a {@link Fit}: seeds the engine, plans the steps, initialises what is not yet
 * initialised, loads a matching checkpoint or trains with a {@link TrainingLoop}, saves the
 * checkpoint of a completed run, and remembers what it left in the block so that the next run can
 * say it continues from trained parameters.
 */
final class FitRun {

    /** The parameters each block held when a fit last left it, to recognise a continued run. */
    private static final Map<Block, Trained> TRAINED = Collections.synchronizedMap(new WeakHashMap<>());

    private record Trained(String parameters, String description) {
    }

    private final Fit fit;
    private final Model model;
    private final StopRequests stops;

    FitRun(Fit fit, StopRequests stops) {
        this.fit = fit;
        this.model = fit.model();
        this.stops = stops;
    }

    TrainingHistory run() {
        Block block = model.getBlock();
        int runSeed = fit.seed() != null ? fit.seed() : new SplittableRandom().nextInt();
        model.getNDManager().getEngine().setRandomSeed(runSeed);
        List<RunStep> plan = RunStep.plan(fit, block);
        List<Block> saved = RunStep.savedBlocks(block, plan);
        Initialisation.run(fit, block, plan);
        String parameters = Fingerprints.parameters(saved);
        Trained before = TRAINED.get(block);
        boolean continuing = before != null && before.parameters().equals(parameters);

        Checkpoint checkpoint = null;
        if (fit.checkpointName() != null) {
            String settings = CheckpointKey.settings(fit, runSeed, block, saved, plan, parameters, continuing);
            checkpoint = Checkpoints.at(fit.checkpointName(), CheckpointKey.of(settings));
            boolean force = fit.retrain() != null ? fit.retrain() : Checkpoints.retrainRequested();
            if (!force && checkpoint.isComplete()) {
                checkpoint.loadInto(model, extraBlocks(saved));
                Table table = checkpoint.history();
                if (fit.showsProgress()) {
                    Progress.notice("Loaded checkpoint " + checkpoint.displayPath() + " instead of training: "
                            + checkpoint.describeTraining(table.rowCount()) + ". To train again: "
                            + Checkpoints.RETRAIN_ENV + "=1 or .retrain(true).");
                }
                remember(block, saved, table.rowCount() + " epochs restored from " + checkpoint.displayPath());
                return new TrainingHistory(table, false, runSeed, checkpoint, true);
            }
            Checkpoint.writeSettings(checkpoint, settings);
        }
        if (continuing && fit.showsProgress()) {
            Progress.notice("Continuing from trained parameters (" + before.description() + "), not from a fresh"
                    + " initialisation" + (checkpoint != null ? "; saved as its own checkpoint" : "")
                    + ". Run the cell that builds the model again to start afresh.");
        }

        TrainingLoop loop = new TrainingLoop(fit, plan, runSeed, stops);
        Table table = loop.train();
        boolean interrupted = loop.interrupted();
        remember(block, saved, table.rowCount() + (table.rowCount() == 1 ? " epoch" : " epochs")
                + (interrupted ? ", interrupted" : "")
                + (checkpoint != null && !interrupted ? ", checkpoint " + checkpoint.name() : ""));
        boolean keep = checkpoint != null && !interrupted && save(checkpoint, saved, table);
        return new TrainingHistory(table, interrupted, runSeed, keep ? checkpoint : null, false);
    }

    /** Saves a completed run; a stop that arrives now ends the saving, not the run (the history is kept). */
    private boolean save(Checkpoint checkpoint, List<Block> saved, Table table) {
        // Clears the thread's interrupt flag, which would close the files being written.
        stops.requested();
        try {
            checkpoint.save(model, extraBlocks(saved), table, fit.epochs(), fit.trainInputs().getShape().get(0),
                    fit.trainInputs().getShape().slice(1).toString());
            return true;
        } catch (RuntimeException | Error e) {
            boolean interruptedIo = e instanceof java.io.UncheckedIOException
                    && e.getCause() instanceof java.nio.channels.ClosedByInterruptException;
            if (!interruptedIo && !stops.isStop(e)) {
                throw e;
            }
            if (fit.showsProgress()) {
                Progress.notice("Stopped while saving checkpoint " + checkpoint.displayPath()
                        + ": it was not saved. The trained parameters are in the model.");
            }
            return false;
        }
    }

    private static void remember(Block block, List<Block> saved, String description) {
        TRAINED.put(block, new Trained(Fingerprints.parameters(saved), description));
    }

    /** The blocks a checkpoint holds besides the model's own. */
    private static List<Block> extraBlocks(List<Block> saved) {
        return saved.subList(1, saved.size());
    }
}
